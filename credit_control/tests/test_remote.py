from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestRemoteConfirmation(HttpCase):
    """Confirmations that do not come from the form view keep the hold they create."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        policy = cls.env["credit.policy"].create({"name": "Remote"})
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Remote Customer",
                "is_company": True,
                "email": "remote@example.com",
            }
        )
        cls.customer.write({"credit_limit": 100.0, "credit_policy_id": policy.id})
        product = cls.env["product.product"].create(
            {
                "name": "Remote pallet",
                "list_price": 500.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "require_signature": True,
                "require_payment": False,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )

    def assert_held(self):
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.credit_state, "hold")
        self.assertEqual(len(self.order.credit_hold_ids), 1)

    def test_xmlrpc_confirmation_keeps_the_hold(self):
        admin = self.env.ref("base.user_admin")
        result = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            admin.id,
            "admin",
            "sale.order",
            "action_confirm",
            [self.order.ids],
        )
        self.assertEqual(result["params"]["type"], "warning")
        self.assert_held()

    def test_portal_signature_keeps_the_hold(self):
        self.order._portal_ensure_token()
        png = (
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNk"
            "YAAAAAYAAjCB0C8AAAAASUVORK5CYII="
        )
        response = self.make_jsonrpc_request(
            f"/my/orders/{self.order.id}/accept",
            {
                "access_token": self.order.access_token,
                "name": "Signer",
                "signature": png,
            },
        )
        self.assertNotIn("error", response)
        self.assert_held()
        self.assertTrue(self.order.signature)
