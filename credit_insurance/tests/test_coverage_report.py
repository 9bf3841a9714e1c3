import io
import logging
import time
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCommon

_logger = logging.getLogger(__name__)
# A reference that an array literal must quote.
TRICKY_REFERENCE = 'REF-2 "B", {C}\\ NULL'

# The figures of a line and the partner figure each must equal.
FIGURES = {
    "exposure": "credit_exposure",
    "insurable": "credit_insurable",
    "covered": "credit_insured",
    "uninsured": "credit_uninsured",
    "cover": "credit_insurance_cover",
    "overdue": "credit_overdue",
    "stop_delivery": "credit_stop_delivery",
}


@tagged("post_install", "-at_install")
class TestCoverageReport(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.second = Partner.create({"name": "Second Buyer", "is_company": True})
        cls.uninsured = Partner.create({"name": "Uninsured Buyer", "is_company": True})
        cls.first_cover = cls.cover(
            500.0,
            insurer_reference="REF-1",
            date_expiry=cls.today + timedelta(days=200),
        )
        cls.sold(800.0)
        cls.cover(2000.0, partner=cls.second, insurer_reference=TRICKY_REFERENCE)
        cls.sold(300.0, partner=cls.second, days_overdue=10)
        cls.order(100.0, partner=cls.second, confirm=True)
        cls.sold(400.0, partner=cls.uninsured)
        cls.recipient = Partner.create(
            {"name": "Insurer Underwriting", "email": "underwriting@insurer.test"}
        )
        cls.Report = cls.env["credit.insurance.coverage.report"]

    def report(self):
        start = time.perf_counter()
        report = self.Report._create_for(self.insurance)
        _logger.info(
            "coverage report of %s buyers in %.3f s",
            len(report.line_ids),
            time.perf_counter() - start,
        )
        return report

    def line_of(self, report, partner):
        return report.line_ids.filtered(lambda line: line.partner_id == partner)

    def test_lines_are_the_partner_figures(self):
        report = self.report()
        self.assertEqual(report.date, self.today)
        self.assertEqual(report.line_ids.partner_id, self.customer | self.second)
        for partner in self.customer | self.second:
            line, figures = self.line_of(report, partner), self.figures(partner)
            for name, figure in FIGURES.items():
                self.assertEqual(line[name], figures[figure], f"{partner.name}: {name}")
        first = self.line_of(report, self.customer)
        self.assertRecordValues(
            first,
            [
                {
                    "cover_id": self.first_cover.id,
                    "insurer_reference": "REF-1",
                    "date_expiry": self.today + timedelta(days=200),
                    "status": "approved",
                    "source": "insurer",
                    "cover": 500.0,
                    "exposure": 800.0,
                    "insurable": 800.0,
                    "covered": 450.0,
                    "uninsured": 350.0,
                    "utilisation": 160.0,
                    "stop_delivery": self.today + timedelta(days=30),
                }
            ],
        )
        second = self.line_of(report, self.second)
        self.assertRecordValues(
            second,
            [
                {
                    "insurer_reference": TRICKY_REFERENCE,
                    "exposure": 400.0,
                    "covered": 360.0,
                    "overdue": 300.0,
                    "overdue_days": 10,
                    "utilisation": 20.0,
                    "stop_delivery": self.today + timedelta(days=20),
                }
            ],
        )

    def test_totals_are_the_sums_of_the_lines(self):
        report = self.report()
        self.assertEqual(report.line_count, 2)
        for name in ("cover", "exposure", "insurable", "covered", "uninsured"):
            self.assertEqual(
                report[f"total_{name}"], sum(report.line_ids.mapped(name)), name
            )
        self.assertEqual(report.total_exposure, 1200.0)
        self.assertEqual(report.total_covered, 810.0)
        self.assertEqual(report.total_overdue, 300.0)

    def test_report_keeps_its_figures_until_regenerated(self):
        report = self.report()
        self.sold(200.0)
        self.assertEqual(report.total_exposure, 1200.0)
        report.action_regenerate()
        self.assertEqual(report.total_exposure, 1400.0)
        self.assertEqual(len(report.line_ids), 2)
        self.assertEqual(self.line_of(report, self.customer).exposure, 1000.0)

    def test_discretionary_buyers_owing_something_are_listed(self):
        self.insurance.discretionary_amount = 1000.0
        report = self.report()
        self.assertEqual(
            report.line_ids.partner_id, self.customer | self.second | self.uninsured
        )
        line = self.line_of(report, self.uninsured)
        self.assertEqual(line.source, "discretionary")
        self.assertEqual(line.covered, self.figures(self.uninsured).credit_insured)

    def test_xlsx(self):
        report = self.report()
        content = report._xlsx_content()
        self.assertTrue(content.startswith(b"PK"))
        try:
            import openpyxl  # noqa: PLC0415 (optional, not a dependency)
        except ImportError:
            return
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header = next(i for i, row in enumerate(rows) if row[0] == "Buyer")
        self.assertEqual(rows[header][2], "Approved Cover")
        buyers = rows[header + 1 : header + 3]
        self.assertEqual(
            [row[0] for row in buyers], ["Credit Customer", "Second Buyer"]
        )
        self.assertEqual(buyers[0][1:3], ["REF-1", 500.0])
        total = rows[header + 3]
        self.assertEqual(total[0], "Total")
        self.assertTrue(str(total[4]).startswith("=SUM("))
        values = openpyxl.load_workbook(io.BytesIO(content), data_only=True).active
        self.assertEqual(values.cell(header + 4, 5).value, 1200.0)
        action = report.action_download_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[-1].split("?")[0])
        )
        self.assertEqual(attachment.res_id, report.id)
        self.assertTrue(attachment.name.endswith(".xlsx"))

    def test_pdf_renders(self):
        report = self.report()
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "credit_insurance.action_report_coverage", report.ids
        )
        html = html.decode()
        for text in ("Credit Customer", "Second Buyer", "REF-1", "TC-001"):
            self.assertIn(text, html)
        self.assertNotIn("Uninsured Buyer", html)

    def test_monthly_cron_sends_each_policy_its_report(self):
        silent = self.insurance.copy({"number": "TC-002"})
        self.insurance.report_partner_ids = self.recipient
        self.Report._cron_monthly()
        report = self.Report.search(
            [("policy_id", "in", (self.insurance | silent).ids)]
        )
        self.assertEqual(report.policy_id, self.insurance)
        self.assertTrue(report.sent_at)
        mail = self.env["mail.mail"].search(
            [("model", "=", report._name), ("res_id", "=", report.id)]
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.recipient)
        # The PDF (HTML when tests run, without wkhtmltopdf) and the XLSX.
        names = sorted(mail.attachment_ids.mapped("name"))
        self.assertEqual(len(names), 2)
        self.assertTrue(names[0].startswith("Coverage Whole turnover"))
        self.assertTrue(names[1].endswith(".xlsx"))
        self.Report._cron_monthly()  # once a day at most
        self.assertEqual(
            self.Report.search_count([("policy_id", "=", self.insurance.id)]), 1
        )

    def test_policy_button_opens_a_new_report(self):
        action = self.insurance.action_coverage_report()
        report = self.Report.browse(action["res_id"])
        self.assertEqual(report.policy_id, self.insurance)
        self.assertEqual(report.line_count, 2)

    def test_rights(self):
        report = self.report()
        company = self.env.company
        user = new_test_user(
            self.env,
            login="coverage_reader",
            groups="base.group_user,credit_control.group_credit_user",
            company_id=company.id,
            company_ids=company.ids,
        )
        self.assertEqual(report.with_user(user).line_ids, report.line_ids)
        with self.assertRaises(AccessError):
            report.with_user(user).action_regenerate()
        with self.assertRaises(AccessError):
            report.with_user(user).action_send()
        report.with_user(user).action_download_xlsx()
        controller = new_test_user(
            self.env,
            login="coverage_controller",
            groups="base.group_user,credit_control.group_credit_controller",
            company_id=company.id,
            company_ids=company.ids,
        )
        self.insurance.report_partner_ids = self.recipient
        self.sold(50.0)
        report.with_user(controller).action_regenerate()
        self.assertEqual(report.total_exposure, 1250.0)
        report.with_user(controller).action_send()
        self.assertTrue(report.sent_at)
        other = self.env["res.company"].create({"name": "Other Insured Company"})
        stranger = new_test_user(
            self.env,
            login="coverage_stranger",
            groups="base.group_user,credit_control.group_credit_manager",
            company_id=other.id,
            company_ids=other.ids,
        )
        Report = self.Report.with_user(stranger).with_company(other)
        self.assertFalse(Report.search([("id", "=", report.id)]))
        self.assertFalse(
            self.env["credit.insurance.coverage.line"]
            .with_user(stranger)
            .with_company(other)
            .search([("report_id", "=", report.id)])
        )
