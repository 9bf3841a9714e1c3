from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestRights(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="credit_salesman",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
            company_id=cls.env.company.id,
        )

    def test_salesperson_sees_credit_but_cannot_change_it(self):
        self.order(300.0, confirm=True)
        partner = self.customer.with_user(self.salesman)
        self.assertEqual(partner.credit_available, 700.0)
        self.assertFalse(partner.credit_is_manager)
        for vals in (
            {"credit_limit": 5000.0},
            {"credit_limit_temp": 100.0, "credit_limit_temp_end": self.today},
            {"credit_policy_id": False},
            {"credit_hold": True},
        ):
            with self.assertRaises(AccessError):
                partner.write(vals)
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesman).create(
                {"name": "Self-served", "credit_limit": 1e6}
            )
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_salesperson_order_is_held_not_refused(self):
        order = self.order(1500.0, user_id=self.salesman.id).with_user(self.salesman)
        action = order.action_confirm()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(order.credit_state, "hold")
        hold = order.credit_hold_ids
        self.assertEqual(hold.create_uid, self.salesman)
        hold.message_post(body="Customer promised to pay on Friday, please release.")

    def test_salesperson_cannot_decide_or_forge(self):
        order = self.order(1500.0, user_id=self.salesman.id)
        order.action_confirm()
        hold = order.credit_hold_ids.with_user(self.salesman)
        with self.assertRaises(AccessError):
            hold.action_release("please")
        with self.assertRaises(AccessError):
            hold.action_reject("no")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).write({"credit_state": "released"})
        forged = order.with_user(self.salesman).with_context(credit_check_skip=True)
        forged.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(hold.state, "pending")

    def test_companies_are_kept_apart(self):
        other = self.setup_other_company(name="Elsewhere")["company"]
        foreign_policy = self.env["credit.policy"].create(
            {"name": "Elsewhere policy", "company_id": other.id}
        )
        order = self.order(1500.0, user_id=self.salesman.id)
        order.action_confirm()
        manager = new_test_user(
            self.env,
            login="credit_manager_other",
            groups="credit_control.group_credit_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertFalse(self.env["credit.hold"].with_user(manager).search([]))
        policies = self.env["credit.policy"].with_user(manager).search([])
        self.assertIn(foreign_policy, policies)
        self.assertEqual(policies.company_id, other)
        with self.assertRaises(AccessError):
            order.credit_hold_ids.with_user(manager).read(["state"])


@tagged("post_install", "-at_install")
class TestBadInput(CreditCommon):
    def test_negative_limits(self):
        with self.assertRaises(ValidationError):
            self.customer.write({"credit_limit": -1.0})
        with self.assertRaises(ValidationError):
            self.customer.write(
                {"credit_limit_temp": -5.0, "credit_limit_temp_end": self.today}
            )
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def test_tolerance_and_warning_bounds(self):
        for vals in (
            {"tolerance_pct": 101},
            {"tolerance_pct": -1},
            {"warning_pct": 150},
            {"overdue_days": -3},
        ):
            with self.assertRaises(ValidationError):
                self.policy.write(vals)
        self.assertEqual(self.policy.tolerance_pct, 0.0)

    def test_temporary_limit_in_the_past(self):
        with self.assertRaises(ValidationError):
            self.customer.write(
                {
                    "credit_limit_temp": 500.0,
                    "credit_limit_temp_end": self.today - timedelta(days=1),
                }
            )
        with self.assertRaises(ValidationError):
            self.customer.write({"credit_limit_temp": 500.0})
        self.assertEqual(self.customer.credit_limit_temp, 0.0)

    def test_release_without_note_writes_nothing(self):
        order = self.order(1500.0)
        order.action_confirm()
        with self.assertRaises(UserError):
            order.credit_hold_ids.action_release("")
        self.assertEqual(order.credit_hold_ids.state, "pending")
        self.assertEqual(order.state, "draft")
