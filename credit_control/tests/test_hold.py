from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestHold(CreditCommon):
    def test_within_limit_confirms(self):
        order = self.order(500.0)
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "approved")
        self.assertFalse(order.credit_hold_ids)

    def test_over_limit_holds_with_figures(self):
        self.order(700.0, confirm=True)
        order = self.order(400.0)
        action = order.action_confirm()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_state, "hold")
        hold = order.credit_hold_ids
        self.assertRecordValues(
            hold,
            [
                {
                    "state": "pending",
                    "partner_id": self.customer.id,
                    "credit_limit": 1000.0,
                    "exposure": 700.0,
                    "order_amount": 400.0,
                    "available": 300.0,
                }
            ],
        )
        self.assertEqual(hold.reason_ids.mapped("code"), ["over_limit"])
        self.assertIn("100.00", hold.reason_ids.message)
        self.assertTrue(hold.activity_ids)
        self.assertIn(self.env.user, hold.activity_ids.user_id)
        self.assertIn("credit hold", order.message_ids[0].body)

    def test_reconfirming_keeps_one_hold(self):
        order = self.order(1500.0)
        order.action_confirm()
        order.action_confirm()
        self.assertEqual(len(order.credit_hold_ids), 1)
        self.assertEqual(order.credit_state, "hold")

    def test_reconfirming_after_payment_clears_hold(self):
        invoice = self.invoice(900.0)
        order = self.order(300.0)
        order.action_confirm()
        self._register_payment(invoice, amount=900.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_hold_ids.state, "cleared")

    def test_release_confirms_with_note(self):
        order = self.order(1500.0)
        order.action_confirm()
        hold = order.credit_hold_ids
        with self.assertRaises(UserError):
            hold.action_release("  ")
        self.assertEqual(hold.state, "pending")
        hold.action_release("Bank guarantee received")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "released")
        self.assertRecordValues(
            hold,
            [
                {
                    "state": "released",
                    "decision_user_id": self.env.uid,
                    "decision_note": "Bank guarantee received",
                }
            ],
        )
        self.assertTrue(hold.decision_date)
        self.assertFalse(hold.activity_ids)

    def test_release_refused_when_order_grew(self):
        order = self.order(1500.0)
        order.action_confirm()
        order.order_line.price_unit = 2000.0
        with self.assertRaises(UserError):
            order.credit_hold_ids.action_release("ok")

    def test_reject_keeps_quotation(self):
        order = self.order(1500.0)
        order.action_confirm()
        order.credit_hold_ids.action_reject("Customer in dispute")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_state, "rejected")
        self.assertEqual(order.credit_hold_ids.state, "rejected")
        with self.assertRaises(UserError):
            order.credit_hold_ids.action_release("changed my mind")

    def test_decision_wizard(self):
        order = self.order(1500.0)
        order.action_confirm()
        wizard = self.env["credit.hold.decision"].create(
            {"hold_ids": order.credit_hold_ids.ids, "decision": "release", "note": "ok"}
        )
        wizard.action_apply()
        self.assertEqual(order.state, "sale")

    def test_tolerance(self):
        self.policy.tolerance_pct = 10
        order = self.order(1100.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "warning")

    def test_warning_only_warns(self):
        order = self.order(850.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "warning")
        self.assertIn("85", order.message_ids[0].body)

    def test_overdue_days_rule(self):
        self.policy.overdue_days = 30
        self.invoice(50.0, days_overdue=45)
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(
            order.credit_hold_ids.reason_ids.mapped("code"), ["overdue_days"]
        )

    def test_overdue_amount_rule(self):
        self.policy.overdue_amount = 100
        self.invoice(150.0, days_overdue=2)
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(
            order.credit_hold_ids.reason_ids.mapped("code"), ["overdue_amount"]
        )

    def test_customer_without_limit(self):
        cash = self.env["res.partner"].create({"name": "Walk-in"})
        order = self.order(5000.0, partner=cash)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.policy.no_limit_action = "hold"
        order = self.order(5.0, partner=cash)
        order.action_confirm()
        self.assertEqual(order.credit_hold_ids.reason_ids.mapped("code"), ["no_limit"])

    def test_manual_hold(self):
        self.customer.write(
            {"credit_hold": True, "credit_hold_reason": "Disputed delivery"}
        )
        order = self.order(1.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
        self.assertIn("Disputed delivery", order.credit_hold_ids.reason_ids.message)

    def test_partner_policy_overrides_company_default(self):
        lenient = self.env["credit.policy"].create(
            {"name": "Lenient", "tolerance_pct": 100}
        )
        self.customer.credit_policy_id = lenient
        order = self.order(1900.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_no_policy_no_check(self):
        self.env.company.credit_policy_id = False
        order = self.order(5000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_state)

    def test_several_orders_in_one_call_share_the_credit(self):
        first, second = self.order(600.0), self.order(600.0)
        (first | second).action_confirm()
        self.assertEqual(first.state, "sale")
        self.assertEqual(second.credit_state, "hold")

    def test_cancelling_the_order_clears_its_hold(self):
        order = self.order(1500.0)
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(order.credit_hold_ids.state, "cleared")
        self.assertFalse(order.credit_hold_ids.activity_ids)

    def test_order_of_another_company_follows_that_company(self):
        self.policy.no_limit_action = "hold"
        other = self.setup_other_company(name="Branch")["company"]
        order = self.order(50.0, company_id=other.id)
        both = [self.env.company.id, other.id]
        order.with_context(allowed_company_ids=both).action_confirm()
        self.assertEqual(order.state, "sale")
        # checked under the other company's own default policy, not this one's
        self.assertEqual(order.credit_state, "approved")

    def test_check_queries(self):
        order = self.order(100.0)
        order._credit_evaluate()
        self.env.flush_all()
        with self.assertQueryCount(1):  # the exposure, records being in cache
            order._credit_evaluate()
        with self.assertQueryCount(1):
            order._credit_lock()

    def test_check_reads_nothing_of_the_customer(self):
        """The lock statement gives the customer's commercial partner: the check
        then reads its exposure only."""
        order = self.order(100.0)
        order._credit_evaluate()
        self.env.flush_all()
        self.env["res.partner"].invalidate_model()
        with self.assertQueryCount(2):
            order._credit_lock()
            order._credit_evaluate()

    def test_quotation_preview(self):
        self.order(700.0, confirm=True)
        order = self.order(400.0)
        self.assertEqual(order.credit_available, 300.0)
        self.assertTrue(order.credit_preview_blocking)
        self.assertIn("over the credit limit", order.credit_preview)
        small = self.order(100.0)
        self.assertFalse(small.credit_preview_blocking)
        self.assertIn("80", small.credit_preview)

    def test_confirmed_order_that_grows(self):
        order = self.order(100.0)
        order.order_line.product_uom_qty = 8
        order.action_confirm()
        self.assertEqual(order.credit_state, "warning")
        order.order_line = [
            Command.create({"product_id": self.pallet.id, "product_uom_qty": 1})
        ]
        self.assertEqual(order.credit_state, "warning")
        order.order_line[0].product_uom_qty = 18
        self.assertEqual(order.amount_total, 1900.0)
        self.assertEqual(order.credit_state, "exceeded")
        self.assertTrue(order.activity_ids)

    def paid_online(self, order):
        provider = self.env["payment.provider"].create(
            {"name": "Card", "state": "test"}
        )
        method = self.env["payment.method"].create(
            {"name": "Test card", "code": "test_card"}
        )
        return self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "amount": order.amount_total,
                "currency_id": order.currency_id.id,
                "partner_id": self.customer.id,
                "sale_order_ids": [(6, 0, order.ids)],
                "state": "done",
            }
        )

    def test_order_paid_online_in_full_is_not_held(self):
        order = self.order(5000.0)
        self.paid_online(order)._check_amount_and_confirm_order()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold_ids)

    def test_salesperson_confirming_a_paid_order_still_checks_it(self):
        order = self.order(5000.0)
        self.paid_online(order)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
