from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestHolds(InsuranceCommon):
    def reasons(self, order):
        hold = order.credit_hold_ids.filtered(lambda h: h.state == "pending")
        return hold.reason_ids.mapped("code")

    def test_order_beyond_the_cover_is_held_with_the_figures(self):
        self.cover(1000.0)
        self.sold(700.0)
        within = self.order(300.0)
        within.action_confirm()
        self.assertEqual(within.state, "sale")
        beyond = self.order(0.01)
        beyond.action_confirm()
        self.assertEqual(beyond.state, "draft")
        self.assertEqual(self.reasons(beyond), ["insurance_over_cover"])
        reason = beyond.credit_hold_ids.reason_ids
        self.assertEqual(reason.values["cover"], 1000.0)
        self.assertAlmostEqual(reason.values["excess"], 0.01)
        self.assertIn("cover", reason.message)

    def test_tax_excluded_policy_judges_the_untaxed_order(self):
        self.cover(1000.0)
        order = self.order(1000.0, taxes=self.tax_10)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.insurance.tax_included = True
        order = self.order(1.0, taxes=self.tax_10)
        order.action_confirm()
        self.assertEqual(self.reasons(order), ["insurance_over_cover"])

    def test_refused_withdrawn_or_expired_cover_holds(self):
        cover = self.cover(1000.0)
        cover._record_decision("withdrawn", 0.0, self.today, self.today)
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(self.reasons(order), ["insurance_no_cover"])
        self.assertIn("withdrawn", order.credit_hold_ids.reason_ids.message)

    def test_stop_delivery_date_passed_holds(self):
        self.cover(5000.0)
        self.sold(100.0, days_overdue=30)
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.sold(100.0, days_overdue=31)
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(self.reasons(order), ["insurance_stop_delivery"])

    def test_payment_terms_beyond_the_insured_terms_hold(self):
        self.cover(5000.0)
        order = self.order(
            10.0, payment_term_id=self.env.ref("account.account_payment_term_30days").id
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        order = self.order(
            10.0,
            payment_term_id=self.env.ref(
                "account.account_payment_term_90days_on_the_10th"
            ).id,
        )
        order.action_confirm()
        self.assertEqual(self.reasons(order), ["insurance_terms"])

    def test_each_reason_is_switched_off_per_policy(self):
        cover = self.cover(1000.0)
        self.insurance.hold_over_cover = False
        order = self.order(5000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        cover._record_decision("refused", 0.0, self.today, self.today)
        self.insurance.hold_no_cover = False
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_release_confirms_an_insurance_hold(self):
        self.cover(100.0)
        order = self.order(500.0)
        order.action_confirm()
        hold = order.credit_hold_ids
        hold.action_release("Sold uninsured, agreed with the insurer")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "released")

    def test_uninsured_buyer_is_not_held_and_the_banner_says_so(self):
        order = self.order(500.0)
        self.assertFalse(order.credit_insured)
        self.assertIn("Not insured", order.credit_insurance_note)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_banner_says_how_much_of_the_order_is_insured(self):
        self.cover(1000.0)
        self.sold(600.0)
        order = self.order(500.0)
        self.assertTrue(order.credit_insured)
        self.assertEqual(order.credit_insured_amount, 360.0)  # 90 % of 400
        self.assertIn("90", order.credit_insurance_note)
