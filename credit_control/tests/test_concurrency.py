import threading
from functools import partial

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged


@tagged("post_install", "-at_install")
class TestConcurrentConfirmations(BaseCase):
    """Two sessions confirm orders of one customer at once, on committed data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            company = env.ref("base.main_company")
            policy = env["credit.policy"].create(
                {"name": "Race", "company_id": company.id}
            )
            partner = env["res.partner"].create(
                {"name": "Racing Customer", "is_company": True}
            )
            partner.with_company(company).write(
                {"credit_limit": 1000.0, "credit_policy_id": policy.id}
            )
            product = env["product.product"].create(
                {"name": "Race pallet", "taxes_id": [Command.clear()]}
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "price_unit": 600.0,
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            self.ids = {
                "policy": policy.id,
                "partner": partner.id,
                "product": product.id,
                "orders": orders.ids,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.ids["orders"])
            orders.with_context(disable_cancel_warning=True)._action_cancel()
            orders.unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["credit.policy"].browse(self.ids["policy"]).unlink()

    def _confirm(self, order_id, barrier, errors):
        try:
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute(
                    "SELECT 1"
                )  # take the snapshot before the other session commits
                barrier.wait(timeout=30)
                retrying(
                    partial(
                        lambda: env["sale.order"].browse(order_id).action_confirm()
                    ),
                    env,
                )
        except Exception as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    def test_same_credit_is_not_spent_twice(self):
        barrier = threading.Barrier(2)
        errors = []
        threads = [
            threading.Thread(target=self._confirm, args=(order_id, barrier, errors))
            for order_id in self.ids["orders"]
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.ids["orders"])
            self.assertEqual(sorted(orders.mapped("state")), ["draft", "sale"])
            held = orders.filtered(lambda o: o.state == "draft")
            self.assertEqual(held.credit_state, "hold")
            self.assertEqual(held.credit_hold_ids.exposure, 600.0)
