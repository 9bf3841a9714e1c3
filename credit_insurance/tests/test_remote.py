import xmlrpc.client
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestRemoteRights(HttpCase):
    """Each credit group through XML-RPC, as a client script would call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = fields.Date.context_today(cls.env.user)
        cls.env.company.credit_policy_id = cls.env["credit.policy"].create(
            {"name": "Remote insurance"}
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Remote Buyer", "is_company": True, "credit_limit": 1e6}
        )
        insurer = cls.env["res.partner"].create({"name": "Remote Insurer"})
        cls.policy = cls.env["credit.insurance.policy"].create(
            {
                "name": "Remote policy",
                "insurer_id": insurer.id,
                "date_start": today - timedelta(days=30),
            }
        )
        cls.cover = cls.env["credit.insurance.cover"].create(
            {
                "policy_id": cls.policy.id,
                "partner_id": cls.buyer.id,
                "amount_requested": 100.0,
                "date_effective": today - timedelta(days=10),
            }
        )
        cls.cover.action_request()
        cls.cover._record_decision("approved", 100.0, today, today)
        cls.users = {
            name: new_test_user(cls.env, f"remote_{name}", groups=groups)
            for name, groups in {
                "salesman": "sales_team.group_sale_salesman",
                "user": "credit_control.group_credit_user",
                "controller": "credit_control.group_credit_controller",
                "manager": "credit_control.group_credit_manager",
                "portal": "base.group_portal",
            }.items()
        }
        product = cls.env["product.product"].create(
            {"name": "Remote crate", "list_price": 500.0, "taxes_id": [Command.clear()]}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.buyer.id,
                "user_id": cls.users["salesman"].id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )

    def call(self, who, model, method, *args, **kwargs):
        user = self.users[who]
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs
        )

    def assert_refused(self, who, model, method, *args, **kwargs):
        with (
            mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"),
            self.assertRaises(xmlrpc.client.Fault),
        ):
            self.call(who, model, method, *args, **kwargs)

    def test_only_the_manager_decides_on_covers(self):
        cover = "credit.insurance.cover"
        for who in ("salesman", "user", "controller"):
            self.assert_refused(
                who, cover, "write", self.cover.ids, {"insured_pct": 100}
            )
            self.assert_refused(who, cover, "action_record_decision", self.cover.ids)
            self.assert_refused(
                who,
                "credit.insurance.policy",
                "write",
                self.policy.ids,
                {"mep_days": 999},
            )
        self.assert_refused(
            "controller",
            "credit.insurance.decision",
            "create",
            {
                "cover_id": self.cover.id,
                "state": "approved",
                "amount": 1e9,
            },
        )
        # Even the manager sets the state and amount by a decision only.
        self.assert_refused(
            "manager", cover, "write", self.cover.ids, {"amount_approved": 1e9}
        )
        self.assert_refused("manager", cover, "_record_decision", self.cover.ids)
        self.assertTrue(
            self.call("manager", cover, "action_record_decision", self.cover.ids)
        )
        self.assert_refused(
            "portal", cover, "read", self.cover.ids, fields=["amount_approved"]
        )
        self.assertEqual(self.cover.amount_approved, 100.0)

    def test_salesperson_confirming_beyond_the_cover_is_held(self):
        self.call("salesman", "sale.order", "action_confirm", self.order.ids)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(
            self.order.credit_hold_ids.reason_ids.mapped("code"),
            ["insurance_over_cover"],
        )
