import io
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models import ir_actions_report

from ..models import ir_actions_report as credit_report
from ..models.ir_actions_report import _patched_qt
from .test_dunning import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningRules(DunningCommon):
    """Failed emails, rights, bad input and the default levels."""

    def test_customer_without_email_fails_and_run_goes_on(self):
        silent = self.env["res.partner"].create({"name": "No Email"})
        self.invoice(100.0, partner=silent, days_overdue=10)
        self.invoice(100.0, days_overdue=10)
        run = self.run_on()
        failed = self.communications(silent)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no email", failed.error)
        self.assertEqual(self.communications().state, "sent")
        self.assertEqual((run.state, run.failed_count, run.email_count), ("done", 1, 1))
        mails = self.env["mail.mail"].search(
            [("model", "=", "credit.dunning"), ("res_id", "in", run.dunning_ids.ids)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing", "queued, not sent at once")
        self.assertEqual(mails.recipient_ids, self.customer)
        self.assertTrue(mails.attachment_ids, "statement of account attached")

        silent.email = "silent@example.com"
        failed.with_user(self.controller).action_retry()
        self.assertEqual(failed.state, "sent")
        self.assertFalse(failed.error)

    def test_failing_email_marks_failed(self):
        self.invoice(100.0, days_overdue=10)
        template = self.env.ref("credit_control.mail_template_credit_dunning")

        def broken(*args, **kwargs):
            raise ValueError("SMTP server refused")

        with patch.object(type(template), "_generate_template", broken):
            run = self.run_on()
        dunned = self.communications()
        self.assertEqual(dunned.state, "failed")
        self.assertIn("SMTP server refused", dunned.error)
        self.assertEqual(run.state, "done")
        self.assertEqual(dunned.line_ids.move_id.credit_dunning_level_id, self.reminder)

    def test_only_controllers_run(self):
        self.invoice(100.0, days_overdue=10)
        Run = self.env["credit.dunning.run"].with_user(self.salesman)
        with self.assertRaises(AccessError):
            Run._run(self.company, self.today)
        with self.assertRaises(AccessError):
            self.env["credit.dunning.wizard"].with_user(self.salesman).create({})
        self.assertFalse(self.communications())

    def test_only_managers_change_levels(self):
        Level = self.env["credit.dunning.level"].with_user(self.controller)
        self.assertEqual(
            Level.search([("policy_id", "=", self.policy.id)]), self.levels
        )
        with self.assertRaises(AccessError):
            Level.create({"policy_id": self.policy.id, "sequence": 50, "name": "X"})
        with self.assertRaises(AccessError):
            self.reminder.with_user(self.controller).fee_fixed = 3.0
        with self.assertRaises(AccessError):
            self.reminder.with_user(self.controller).unlink()
        with self.assertRaises(AccessError):
            self.policy.with_user(self.controller).dunning_tolerance = 10.0

    def test_controller_sets_collector_and_block(self):
        customer = self.customer.with_user(self.controller).with_company(self.company)
        customer.write(
            {
                "credit_collector_id": self.controller.id,
                "credit_dunning_blocked_until": self.today,
            }
        )
        self.assertEqual(customer.credit_collector_id, self.controller)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesman).credit_collector_id = self.salesman

    def test_bad_levels(self):
        bad = [
            {"fee_fixed": -1.0},
            {"fee_pct": -5.0},
            {"interest_rate": -2.0},
            {"min_amount": -10.0},
            {"min_interval": -1},
            {"fee_min": 20.0, "fee_max": 10.0},
        ]
        for values in bad:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.reminder.write(values)
        with self.assertRaises(ValidationError):
            self.policy.dunning_charge_mode = "invoice"

    def test_collector_gets_the_call(self):
        self.reminder.phone_call = True
        self.customer.with_company(self.company).credit_collector_id = self.controller
        self.invoice(100.0, days_overdue=10)
        self.run_on()
        call = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(call.user_id, self.controller)

    def test_default_levels_for_new_companies(self):
        company = self.env["res.company"].create({"name": "Dunning Co"})
        levels = company.credit_policy_id.dunning_level_ids
        self.assertEqual(levels.mapped("days"), [-3, 15, 30, 45, 90])
        self.assertEqual(levels[3].credit_hold, True)
        self.assertEqual(levels[4].escalation, "legal")
        self.env["credit.dunning.level"]._credit_ensure_default_levels()
        self.assertEqual(len(company.credit_policy_id.dunning_level_ids), 5)


@tagged("post_install", "-at_install")
class TestDunningStatements(DunningCommon):
    """The statements of a batch of emails, printed by as few wkhtmltopdf runs as
    possible and split per communication."""

    def test_emails_queued_together_with_their_statement(self):
        other = self.env["res.partner"].create(
            {"name": "Other Customer", "email": "other@example.com"}
        )
        self.invoice(100.0, days_overdue=10)
        self.invoice(100.0, partner=other, days_overdue=10)
        template = self.env.ref("credit_control.mail_template_credit_dunning")

        def one_by_one(*args, **kwargs):
            raise AssertionError("the emails of a run are queued together")

        with patch.object(type(template), "send_mail", one_by_one):
            run = self.run_on()
        self.assertEqual(set(run.dunning_ids.mapped("state")), {"sent"})
        mails = self.env["mail.mail"].search(
            [("model", "=", "credit.dunning"), ("res_id", "in", run.dunning_ids.ids)]
        )
        self.assertEqual(mails.recipient_ids, self.customer | other)
        for mail in mails:
            statement = mail.attachment_ids
            self.assertEqual(len(statement), 1)
            self.assertTrue(statement.name.startswith("Statement - "))
            self.assertEqual(
                (statement.res_model, statement.res_id),
                ("mail.message", mail.mail_message_id.id),
                "deleted with the mail",
            )

    def test_bodies_rendered_together_as_one_by_one(self):
        """The run renders a template's body for all its emails in one pass: the
        same bodies as Odoo's rendering record by record."""
        other = self.env["res.partner"].create(
            {"name": "Other <Customer>", "email": "other@example.com"}
        )
        self.invoice(100.0, days_overdue=10)
        self.invoice(250.0, days_overdue=20)
        self.invoice(70.0, partner=other, days_overdue=10)
        run = self.run_on()
        ids = run.dunning_ids.ids
        self.assertEqual(len(ids), 2)
        plain = self.env["mail.template"].create(
            {
                "name": "Leading text, several nodes",
                "model_id": self.env.ref("credit_control.model_credit_dunning").id,
                "body_html": "Dear <t t-out='object.partner_id.name'/>,"
                "<p t-foreach='object.line_ids' t-as='line'>"
                "<t t-out='format_amount(line.residual, object.currency_id)'/></p>"
                "<t t-set='total' t-value='object.amount_to_pay'/>"
                "Total: <t t-out='total'/>",
            }
        )
        standard = self.env.ref("credit_control.mail_template_credit_dunning")
        for template in (standard, plain):
            template = template.sudo()
            alone = template._generate_template(ids, ["body_html"])
            together = template.with_context(
                credit_render_together=True
            )._generate_template(ids, ["body_html"])
            self.assertEqual(together, alone)
            self.assertEqual(len({values["body_html"] for values in alone.values()}), 2)


@tagged("post_install", "-at_install")
class TestDunningPdf(DunningCommon, HttpCase):
    """The statements and letters printed by wkhtmltopdf for real. An HttpCase, as
    Odoo's own PDF tests: the server that wkhtmltopdf asks for the report's styles
    answers during the tests only in its test mode (under odoo-bin, it waits for the
    registry a TransactionCase holds, and wkhtmltopdf waits for ever)."""

    def test_statements_printed_together_and_split(self):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if Report.get_wkhtmltopdf_state() not in ("ok", "workers"):
            self.skipTest("wkhtmltopdf is not available")
        invoice = self.invoice(100.0, days_overdue=10)
        customers = self.env["res.partner"].create(
            [{"name": f"Statement {n}"} for n in range(3)]
        )
        communications = self.env["credit.dunning"].create(
            [
                {
                    "partner_id": customer.id,
                    "date": self.today,
                    "currency_id": self.currency.id,
                    "level_id": self.reminder.id,
                    "line_ids": [
                        Command.create({"move_id": invoice.id, "residual": 100.0})
                        for _line in range(lines)
                    ],
                }
                for customer, lines in zip(customers, (1, 80, 1), strict=True)
            ]
        )
        report = self.env.ref("credit_control.action_report_credit_dunning")
        runs = []
        run_wkhtmltopdf = ir_actions_report._run_wkhtmltopdf

        def counted(args):
            runs.append(args)
            return run_wkhtmltopdf(args)

        short = communications[0] | communications[2]
        with (
            patch.object(ir_actions_report, "_run_wkhtmltopdf", counted),
            patch.object(credit_report, "PRINTERS", 1),
        ):
            pages = Report._credit_start_rendering(report, communications.ids)()
            self.assertEqual(len(runs), 1 if _patched_qt() else 5, "3, 1, 2, 1, 1")
            runs.clear()
            Report._credit_start_rendering(report, short.ids)()
            self.assertEqual(len(runs), 1, "both in one run")
        runs.clear()
        with (
            patch.object(ir_actions_report, "_run_wkhtmltopdf", counted),
            patch.object(credit_report, "PRINTERS", 2),
        ):
            halves = Report._credit_start_rendering(report, short.ids)()
        self.assertEqual(len(runs), 1 if _patched_qt() else 2, "one per processor")
        self.assertEqual(list(halves), short.ids)
        self.assertEqual(list(pages), communications.ids)
        counts = [
            PdfFileReader(io.BytesIO(content)).getNumPages()
            for content, report_format in pages.values()
            if report_format == "pdf"
        ]
        self.assertEqual(counts[::2], [1, 1])
        self.assertGreater(counts[1], 1, "80 invoices take more than a page")

    def test_letters_print_in_one_document(self):
        """Several letters print as one PDF, whichever wkhtmltopdf is installed
        (Debian's refuses the document per record that Odoo gives it)."""
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if Report.get_wkhtmltopdf_state() not in ("ok", "workers"):
            self.skipTest("wkhtmltopdf is not available")
        invoice = self.invoice(100.0, days_overdue=10)
        letters = self.env["credit.dunning"].create(
            [
                {
                    "partner_id": customer.id,
                    "date": self.today,
                    "currency_id": self.currency.id,
                    "level_id": self.letter.id,
                    "line_ids": [
                        Command.create({"move_id": invoice.id, "residual": 100.0})
                    ],
                }
                for customer in self.env["res.partner"].create(
                    [{"name": f"Letter {n}"} for n in range(2)]
                )
            ]
        )
        content, report_format = Report._render_qweb_pdf(
            "credit_control.action_report_credit_dunning", letters.ids
        )
        self.assertEqual(report_format, "pdf")
        self.assertEqual(PdfFileReader(io.BytesIO(content)).getNumPages(), 2)
