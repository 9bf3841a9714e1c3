from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..lib import periods
from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestDeclaration(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start, cls.end = periods.previous_period(cls.today, "monthly")
        cls.insurance.premium_rate = 0.25
        cls.exporter = cls.env["res.partner"].create(
            {"name": "Export Buyer", "is_company": True}
        )
        cls.uninsured = cls.env["res.partner"].create(
            {"name": "Uninsured Buyer", "is_company": True}
        )
        cls.env.company.partner_id.country_id = cls.env.ref("base.us")
        cls.exporter.country_id = cls.env.ref("base.be")
        cls.cover(5000.0, effective=cls.start - timedelta(days=60))
        cls.cover(800.0, partner=cls.exporter, effective=cls.start)

    @classmethod
    def invoiced(cls, amount, day, partner=None, move_type="out_invoice", terms=30):
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=cls.tax_10.ids,
            partner_id=(partner or cls.customer).id,
            move_type=move_type,
            invoice_date=day,
            invoice_date_due=day + timedelta(days=terms),
            post=True,
        )

    def test_turnover_is_invoices_minus_credit_notes_of_the_period_without_tax(self):
        self.invoiced(1000.0, self.start)
        self.invoiced(500.0, self.end)
        self.invoiced(200.0, self.end, move_type="out_refund")
        self.invoiced(300.0, self.start - timedelta(days=1))  # the period before
        self.invoiced(400.0, self.end + timedelta(days=1))  # the period after
        self.invoiced(700.0, self.start, partner=self.exporter)
        self.invoiced(900.0, self.start, partner=self.uninsured)
        declaration = self.env["credit.insurance.declaration"]._prepare_for(
            self.insurance, self.today
        )
        self.assertEqual(
            (declaration.date_from, declaration.date_to), (self.start, self.end)
        )
        amounts = {
            line.partner_id: (line.scope, line.amount) for line in declaration.line_ids
        }
        self.assertEqual(
            amounts,
            {self.customer: ("domestic", 1300.0), self.exporter: ("export", 700.0)},
        )
        self.assertEqual(declaration.amount_domestic, 1300.0)
        self.assertEqual(declaration.amount_export, 700.0)
        self.assertEqual(declaration.premium, 5.0)  # 0.25 % of 2 000
        self.assertEqual(
            declaration.date_deadline,
            self.end + timedelta(days=self.insurance.declaration_deadline_days),
        )

    def test_month_end_balance_counts_what_was_due_then_up_to_the_cover(self):
        self.insurance.premium_basis = "balance"
        paid_later = self.invoiced(1000.0, self.start)
        paid_before = self.invoiced(600.0, self.start)
        self._register_payment(paid_before, payment_date=self.end - timedelta(days=1))
        self._register_payment(paid_later, payment_date=self.end + timedelta(days=1))
        self.invoiced(2000.0, self.start, partner=self.exporter)  # cover 800
        self.invoiced(500.0, self.start, terms=200)  # beyond the credit terms
        declaration = self.env["credit.insurance.declaration"]._prepare_for(
            self.insurance, self.today
        )
        amounts = {line.partner_id: line.amount for line in declaration.line_ids}
        self.assertEqual(amounts, {self.customer: 1000.0, self.exporter: 800.0})

    def test_regenerating_replaces_a_draft_and_a_submitted_one_is_frozen(self):
        self.invoiced(1000.0, self.start)
        Declaration = self.env["credit.insurance.declaration"]
        declaration = Declaration._prepare_for(self.insurance, self.today)
        self.invoiced(100.0, self.end)
        self.assertEqual(
            Declaration._prepare_for(self.insurance, self.today), declaration
        )
        self.assertEqual(declaration.amount_total, 1100.0)
        self.assertEqual(len(declaration.line_ids), 1)
        declaration.action_submit()
        self.assertEqual(declaration.submitted_by_id, self.env.user)
        self.invoiced(100.0, self.end)
        Declaration._prepare_for(self.insurance, self.today)
        self.assertEqual(declaration.amount_total, 1100.0)
        with self.assertRaises(UserError):
            declaration.action_generate()
        with self.assertRaises(UserError):
            declaration.write({"amount_total": 1.0})
        with self.assertRaises(UserError):
            declaration.unlink()
        with self.assertRaises(ValidationError):
            Declaration.create(
                {
                    "policy_id": self.insurance.id,
                    "date_from": self.start,
                    "date_to": self.end,
                }
            )

    def test_exports_follow_the_insurer_columns(self):
        self.invoiced(1000.0, self.start)
        declaration = self.env["credit.insurance.declaration"]._prepare_for(
            self.insurance, self.today
        )
        csv_text = declaration._csv_content().decode("utf-8-sig").splitlines()
        self.assertEqual(len(csv_text), 2)
        self.assertTrue(csv_text[1].startswith("TC-001,"))
        self.assertIn("1000.0", csv_text[1])
        self.assertTrue(declaration._xlsx_content().startswith(b"PK"))
        action = declaration.action_export_csv()
        self.assertIn("/web/content/", action["url"])

    def test_cron_prepares_the_period_just_ended_with_a_todo(self):
        self.env["credit.insurance.declaration"]._cron_prepare()
        declaration = self.env["credit.insurance.declaration"].search(
            [("policy_id", "=", self.insurance.id)]
        )
        self.assertEqual(declaration.date_from, self.start)
        self.assertEqual(
            declaration.activity_ids.date_deadline, declaration.date_deadline
        )
