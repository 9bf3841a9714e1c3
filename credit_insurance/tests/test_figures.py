from datetime import timedelta

from odoo.tests import tagged

from ..models.account_move_line import FILL_SQL
from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestFigures(InsuranceCommon):
    def test_covered_is_the_insured_share_of_the_insurable_within_the_cover(self):
        self.cover(1000.0)
        self.sold(600.0)
        self.sold(800.0, terms_days=90)  # beyond the maximum credit terms
        self.order(300.0, confirm=True)
        partner = self.figures()
        self.assertEqual(partner.credit_insurance_policy_id, self.insurance)
        self.assertEqual(partner.credit_insurance_status, "approved")
        self.assertEqual(partner.credit_insurance_source, "insurer")
        self.assertEqual(partner.credit_insurance_cover, 1000.0)
        self.assertEqual(partner.credit_insurable, 900.0)
        self.assertEqual(partner.credit_insured, 810.0)
        self.assertEqual(partner.credit_exposure, 1700.0)
        self.assertEqual(partner.credit_uninsured, 890.0)

    def test_cover_caps_the_insured_part(self):
        self.cover(500.0)
        self.sold(800.0)
        partner = self.figures()
        self.assertEqual(partner.credit_insured, 450.0)
        self.assertEqual(partner.credit_uninsured, 350.0)

    def test_disputed_invoice_is_not_insurable(self):
        self.cover(5000.0)
        self.sold(400.0)
        disputed = self.sold(700.0)
        disputed.action_credit_dispute("Goods damaged")
        partner = self.figures()
        self.assertEqual(partner.credit_insurable, 400.0)
        self.assertEqual(partner.credit_exposure, 1100.0)
        disputed.action_credit_dispute_close()
        self.assertEqual(self.figures().credit_insurable, 1100.0)

    def test_tax_excluded_or_included_as_the_policy_says(self):
        self.cover(5000.0)
        self.sold(1000.0, taxes=self.tax_10)
        self.order(200.0, taxes=self.tax_10, confirm=True)
        self.assertEqual(self.figures().credit_insurable, 1200.0)
        self.insurance.tax_included = True
        self.assertEqual(self.figures().credit_insurable, 1320.0)

    def test_reduction_effective_later_keeps_the_amount_until_then(self):
        cover = self.cover(1000.0)
        later = self.today + timedelta(days=30)
        cover._record_decision("partial", 400.0, self.today, later)
        self.assertEqual(cover.amount_approved, 400.0)
        self.assertEqual(cover.amount_in_force, 1000.0)
        self.assertEqual(self.figures().credit_insurance_cover, 1000.0)
        cover._record_decision("withdrawn", 0.0, self.today, self.today)
        partner = self.figures()
        self.assertEqual(partner.credit_insurance_status, "withdrawn")
        self.assertEqual(partner.credit_insurance_cover, 0.0)
        self.assertEqual(len(cover.line_ids), 4)

    def test_expired_cover_covers_nothing(self):
        self.cover(1000.0, date_expiry=self.today - timedelta(days=1))
        self.sold(300.0)
        partner = self.figures()
        self.assertEqual(partner.credit_insurance_status, "expired")
        self.assertEqual(partner.credit_insured, 0.0)

    def test_discretionary_limit_needs_its_conditions(self):
        self.insurance.write(
            {
                "discretionary_amount": 2000.0,
                "discretionary_months": 6,
                "discretionary_overdue_days": 30,
            }
        )
        self.sold(500.0, terms_days=30, days_overdue=-20)
        self.assertFalse(self.figures().credit_insurance_source)
        self.sold(100.0, terms_days=30, days_overdue=200)  # trading since 230 days
        partner = self.figures()
        self.assertFalse(partner.credit_insurance_source)  # overdue too long
        self.insurance.discretionary_overdue_days = 0
        partner = self.figures()
        self.assertEqual(partner.credit_insurance_source, "discretionary")
        self.assertEqual(partner.credit_insurance_cover, 2000.0)
        self.assertEqual(partner.credit_insured, 540.0)

    def test_months_of_trading_read_once_a_policy_has_a_discretionary_limit(self):
        Policy = self.env["credit.insurance.policy"]
        company = self.env.company.id
        self.assertFalse(Policy._insurance_discretionary_in(company))
        other = self.insurance.copy({"number": "TC-002", "discretionary_amount": 1.0})
        self.assertTrue(Policy._insurance_discretionary_in(company))
        other.active = False
        self.assertFalse(Policy._insurance_discretionary_in(company))
        self.insurance.discretionary_amount = 2000.0
        self.assertTrue(Policy._insurance_discretionary_in(company))
        self.sold(100.0, terms_days=30, days_overdue=200)  # trading since 230 days
        self.assertTrue(self.figures().credit_insurance_source)
        self.insurance.unlink()
        self.assertFalse(Policy._insurance_discretionary_in(company))

    def test_stop_delivery_is_the_oldest_unpaid_due_date_plus_mep(self):
        self.sold(100.0, days_overdue=-10)
        self.assertEqual(
            self.figures().credit_stop_delivery, self.today + timedelta(days=40)
        )
        self.sold(100.0, days_overdue=12)
        self.assertEqual(
            self.figures().credit_stop_delivery, self.today + timedelta(days=18)
        )

    def test_excluded_or_out_of_scope_buyers_are_not_insured(self):
        self.cover(1000.0)
        self.sold(100.0)
        self.insurance.excluded_partner_ids = self.customer
        self.assertFalse(self.figures().credit_insurance_policy_id)
        self.insurance.excluded_partner_ids = False
        self.insurance.scope = "export"
        self.assertFalse(self.figures().credit_insurance_policy_id)
        self.customer.country_id = self.env.ref("base.be")
        self.env.company.partner_id.country_id = self.env.ref("base.us")
        self.assertEqual(self.figures().credit_insurance_policy_id, self.insurance)

    def test_cover_in_another_currency_is_converted(self):
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self.insurance.currency_id = other
        self.cover(1000.0)  # 1 000 EUR = 500 in company currency
        self.sold(800.0)
        partner = self.figures()
        self.assertEqual(partner.credit_insurance_cover, 500.0)
        self.assertEqual(partner.credit_insured, 450.0)

    def test_report_rows_match_the_partner_figures(self):
        self.cover(500.0)
        self.sold(800.0)
        self.order(100.0, confirm=True)
        self.env["credit.exposure"]._refresh(self.env.company)
        row = self.env["credit.exposure"].search(
            [("partner_id", "=", self.customer.id)]
        )
        partner = self.figures()
        self.assertEqual(row.exposure, partner.credit_exposure)
        self.assertEqual(row.insurance_policy_id, self.insurance)
        self.assertEqual(row.insurance_cover, partner.credit_insurance_cover)
        self.assertEqual(row.insurable, partner.credit_insurable)
        self.assertEqual(row.insured, partner.credit_insured)
        self.assertEqual(row.uninsured, partner.credit_uninsured)
        self.assertEqual(row.insurance_stop_delivery, partner.credit_stop_delivery)

    def test_items_know_what_of_their_invoice_the_exposure_reads(self):
        taxed = self.sold(1000.0, taxes=self.tax_10)
        disputed = self.sold(700.0)
        disputed.action_credit_dispute("Goods damaged")
        refund = self.invoice(100.0, move_type="out_refund")
        others = disputed | refund | self.unapplied_payment(50.0)
        receivable = taxed.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        self.assertTrue(receivable.credit_insurable)
        self.assertAlmostEqual(receivable.credit_untaxed_ratio, 1 / 1.1)
        self.assertFalse(any(others.line_ids.mapped("credit_insurable")))
        # the install writes them in one statement, as the ORM computes them
        lines = (taxed | others).line_ids

        def values():
            return [
                (line.credit_insurable, round(line.credit_untaxed_ratio, 9))
                for line in lines
            ]

        computed = values()
        self.env.cr.execute(FILL_SQL)
        lines.invalidate_recordset()
        self.assertEqual(values(), computed)
