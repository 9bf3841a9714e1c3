from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCreditTour(HttpCase):
    """A salesperson and a credit manager walk a credit hold in the browser."""

    # Under pytest-odoo the first page load builds the asset bundles (the Odoo runner
    # builds them before its HTTP tests) while holding the test cursor: the page's
    # other requests wait for it longer than the default 20 s on a busy machine.
    test_cursor_lock_timeout = 120

    def setUp(self):
        super().setUp()
        company = self.env.company
        self.salesperson = new_test_user(
            self.env,
            login="tour_salesperson",
            password="tour_salesperson",
            name="Tour Salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        self.manager = new_test_user(
            self.env,
            login="tour_credit_manager",
            password="tour_credit_manager",
            name="Tour Credit Manager",
            groups="sales_team.group_sale_salesman,credit_control.group_credit_manager",
            company_id=company.id,
        )
        if not company.credit_policy_id:
            company.credit_policy_id = self.env["credit.policy"].create(
                {"name": "Tour policy", "company_id": company.id}
            )
        self.customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "is_company": True, "credit_limit": 1000.0}
        )
        product = self.env["product.product"].create(
            {
                "name": "Tour Pallet",
                "list_price": 5000.0,
                "taxes_id": [Command.clear()],
                "invoice_policy": "order",
            }
        )
        self.order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesperson.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "price_unit": 5000.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def test_request_and_release(self):
        self.start_tour(
            f"/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}",
            "credit_control_request_release",
            login="tour_salesperson",
            timeout=180,
        )
        hold = self.order.credit_hold_ids
        self.assertEqual(self.order.state, "draft")
        self.assertEqual(self.order.credit_state, "hold")
        self.assertEqual(hold.state, "pending")
        request = hold.message_ids.filtered(lambda m: "asks for the release" in m.body)
        self.assertEqual(request.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(request.author_id, self.salesperson.partner_id)
        self.assertIn(self.manager.partner_id, request.partner_ids)
        self.assertNotIn(self.customer, request.partner_ids | hold.message_partner_ids)

        self.start_tour(
            "/odoo", "credit_control_release", login="tour_credit_manager", timeout=180
        )
        self.assertEqual(self.order.state, "sale")
        self.assertEqual(self.order.credit_state, "released")
        self.assertEqual(hold.state, "released")
        self.assertEqual(hold.decision_user_id, self.manager)
        self.assertEqual(hold.decision_note, "The customer paid its overdue invoices.")
