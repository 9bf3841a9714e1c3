import threading
from functools import partial

from psycopg2 import errors as errors_module

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


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
            partners = env["res.partner"].create(
                [
                    {"name": "Racing Customer", "is_company": True},
                    {"name": "Second Racing Customer", "is_company": True},
                ]
            )
            partners.with_company(company).write(
                {"credit_limit": 1000.0, "credit_policy_id": policy.id}
            )
            product = env["product.product"].create(
                {
                    "name": "Race service",
                    "type": "service",
                    "taxes_id": [Command.clear()],
                }
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
                    for partner in (partners[0], partners[0], partners[1], partners[1])
                ]
            )
            self.ids = {
                "policy": policy.id,
                "partner": partners.ids,
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
            env["credit.hold"].search(
                [("partner_id", "in", self.ids["partner"])]
            ).unlink()
            env["res.partner"].browse(self.ids["partner"]).unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["credit.policy"].browse(self.ids["policy"]).unlink()

    def _confirm(self, order_ids, barrier, errors, retry=True):
        try:
            with self.registry.cursor() as cr:
                # Odoo's own runner holds the registries' lock while it runs the
                # tests: give the cursor its registry rather than look it up.
                cr.transaction = Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute(
                    "SELECT 1"
                )  # take the snapshot before the other session commits
                barrier.wait(timeout=30)
                confirm = partial(
                    lambda: env["sale.order"].browse(order_ids).action_confirm()
                )
                attempts = 5 if retry else 1
                for attempt in range(1, attempts + 1):
                    try:
                        confirm()
                        cr.flush()
                        break
                    except errors_module.SerializationFailure:
                        # what Odoo's request retry does (its ``retrying`` also
                        # reloads the registry, whose lock Odoo's runner holds)
                        if attempt == attempts:
                            raise
                        cr.rollback()
                        env.transaction.clear()
        except Exception as error:  # noqa: BLE001 - reported to the main thread
            errors.append(error)

    @mute_logger("odoo.sql_db")  # the serialisation failure a conflict must raise
    def _race(self, *calls, retry=True):
        barrier = threading.Barrier(len(calls))
        errors = []
        threads = [
            threading.Thread(
                target=self._confirm, args=(order_ids, barrier, errors, retry)
            )
            for order_ids in calls
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        return errors

    def test_same_credit_is_not_spent_twice(self):
        first, second = self.ids["orders"][:2]
        errors = self._race([first], [second])
        self.assertFalse(errors)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse([first, second])
            self.assertEqual(sorted(orders.mapped("state")), ["draft", "sale"])
            held = orders.filtered(lambda o: o.state == "draft")
            self.assertEqual(held.credit_state, "hold")
            self.assertEqual(held.credit_hold_ids.exposure, 600.0)

    def test_two_customers_in_opposite_orders_do_not_deadlock(self):
        a1, a2, b1, b2 = self.ids["orders"]
        errors = self._race([a1, b1], [b2, a2], retry=False)
        # without Odoo's retry, at worst a serialisation error, never a deadlock
        self.assertFalse(
            [e for e in errors if isinstance(e, errors_module.DeadlockDetected)]
        )
        self.assertLessEqual(len(errors), 1)
        self.assertFalse(
            [e for e in errors if not isinstance(e, errors_module.SerializationFailure)]
        )
