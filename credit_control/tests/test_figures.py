from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestFigures(CreditCommon):
    def test_unapplied_payment_pays_the_oldest_overdue_first(self):
        self.policy.overdue_days = 30
        self.customer.credit_limit = 10000.0
        self.invoice(100.0, days_overdue=40)
        self.invoice(500.0, days_overdue=-10)
        self.unapplied_payment(100.0)
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 500.0)
        self.assertEqual(partner.credit_overdue, 0.0)
        self.assertEqual(partner.credit_overdue_days, 0)
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_partly_applied_payment_keeps_the_uncovered_age(self):
        self.invoice(100.0, days_overdue=40)
        self.invoice(200.0, days_overdue=20)
        self.unapplied_payment(150.0)
        partner = self.figures()
        self.assertEqual(partner.credit_overdue, 150.0)
        self.assertEqual(partner.credit_overdue_days, 20)

    def test_branch_counts_in_its_company_exposure(self):
        branch = self.env["res.company"].create(
            {"name": "Credit Branch", "parent_id": self.env.company.id}
        )
        self.env.user.company_ids |= branch
        self.order(300.0, confirm=True, company_id=branch.id)
        self.assertEqual(self.figures().credit_exposure, 300.0)

    def test_exact_limit_with_cents_is_not_held(self):
        self.customer.credit_limit = 10000.0
        for amount in (4909.64, 553.26, 2661.90):
            self.invoice(amount)
        order = self.order(1875.20)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_no_limit_unlimited_shows_no_negative_available(self):
        walk_in = self.env["res.partner"].create({"name": "Walk-in", "credit_limit": 0})
        self.order(300.0, partner=walk_in, confirm=True)
        self.env["credit.exposure"]._refresh(self.env.company)
        row = self.env["credit.exposure"].search([("partner_id", "=", walk_in.id)])
        self.assertEqual(row.exposure, 300.0)
        self.assertFalse(row.available)


@tagged("post_install", "-at_install")
class TestVisibility(CreditCommon):
    FIELDS = ["credit_limit", "credit_exposure", "credit_hold_reason"]

    def test_portal_user_cannot_read_its_credit(self):
        self.customer.write({"credit_hold": True, "credit_hold_reason": "internal"})
        portal = new_test_user(
            self.env, login="credit_portal", groups="base.group_portal"
        )
        portal.partner_id.parent_id = self.customer
        for field in self.FIELDS:
            with self.assertRaises(AccessError):
                portal.partner_id.commercial_partner_id.with_user(portal).read([field])

    def test_plain_employee_cannot_read_credit(self):
        employee = new_test_user(
            self.env, login="credit_employee", groups="base.group_user"
        )
        for field in self.FIELDS:
            with self.assertRaises(AccessError):
                self.customer.with_user(employee).read([field])

    def test_each_credit_group_works_on_its_own(self):
        manager = new_test_user(
            self.env,
            login="credit_manager_only",
            groups="credit_control.group_credit_manager",
        )
        self.customer.with_user(manager).write({"credit_limit": 2500.0})
        self.assertEqual(self.customer.credit_limit, 2500.0)
        controller = new_test_user(
            self.env,
            login="credit_controller_only",
            groups="credit_control.group_credit_controller",
        )
        self.customer.with_user(controller).write(
            {"credit_hold": True, "credit_hold_reason": "Returned cheque"}
        )
        self.assertTrue(self.customer.credit_hold)
        block = self.customer.credit_block_ids
        self.assertEqual(block.origin, "manual")
        self.customer.with_user(controller).write({"credit_hold": False})
        self.assertFalse(self.customer.credit_hold)
        self.assertFalse(block.active)

    def test_lifting_one_origin_keeps_the_others(self):
        Block = self.env["credit.block"]
        Block._place(self.customer, self.env.company, "dunning", "Level 3 reached")
        self.customer.write({"credit_hold": True, "credit_hold_reason": "Manual"})
        self.customer.write({"credit_hold": False})
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
        self.assertIn("Level 3 reached", order.credit_hold_ids.reason_ids.message)
        self.assertNotIn("Manual", order.credit_hold_ids.reason_ids.message)


@tagged("post_install", "-at_install")
class TestTemporaryLimitDates(CreditCommon):
    def test_temporary_limit_until_its_end_day(self):
        self.customer.write(
            {
                "credit_limit_temp": 500.0,
                "credit_limit_temp_end": self.today + timedelta(days=1),
            }
        )
        self.assertEqual(self.figures().credit_effective_limit, 1500.0)
