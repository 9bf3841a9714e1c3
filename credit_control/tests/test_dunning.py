from datetime import timedelta

from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


class DunningCommon(CreditCommon):
    """Four levels of our own on the test policy: an email at 5 days, a letter
    with a fee, interest and a call at 15, a credit hold at 30, legal at 60."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.customer.email = "customer@example.com"
        cls.levels = cls.env["credit.dunning.level"].create(
            [
                {
                    "policy_id": cls.policy.id,
                    "sequence": 10,
                    "name": "Reminder",
                    "days": 5,
                    "send_email": True,
                },
                {
                    "policy_id": cls.policy.id,
                    "sequence": 20,
                    "name": "Letter",
                    "days": 15,
                    "min_interval": 7,
                    "print_letter": True,
                    "phone_call": True,
                },
                {
                    "policy_id": cls.policy.id,
                    "sequence": 30,
                    "name": "Hold",
                    "days": 30,
                    "min_interval": 7,
                    "send_email": True,
                    "credit_hold": True,
                },
                {
                    "policy_id": cls.policy.id,
                    "sequence": 40,
                    "name": "Legal",
                    "days": 60,
                    "min_interval": 7,
                    "escalation": "legal",
                },
            ]
        )
        cls.reminder, cls.letter, cls.hold, cls.legal = cls.levels
        cls.controller = new_test_user(
            cls.env,
            login="dunning_controller",
            groups="credit_control.group_credit_controller,"
            "account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="dunning_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
        )

    def run_on(self, days=0):
        """Run the dunning ``days`` after today, as a Credit Controller."""
        return (
            self.env["credit.dunning.run"]
            .with_user(self.controller)
            ._run(self.company, self.today + timedelta(days=days))
        )

    def communications(self, partner=None):
        return self.env["credit.dunning"].search(
            [("partner_id", "=", (partner or self.customer).id)], order="id"
        )


@tagged("post_install", "-at_install")
class TestDunningRun(DunningCommon):
    def test_one_step_per_run_and_nothing_new_the_same_day(self):
        invoice = self.invoice(500.0, days_overdue=100)
        run = self.run_on()
        dunned = self.communications()
        self.assertEqual(dunned.level_id, self.reminder)
        self.assertEqual(dunned.state, "sent")
        self.assertEqual(run.state, "done")
        self.assertEqual(invoice.credit_dunning_level_id, self.reminder)
        self.assertEqual(invoice.credit_dunning_date, self.today)

        self.assertEqual(self.run_on(), run, "one run per company and day")
        self.assertEqual(self.communications(), dunned, "nothing new the same day")

        self.run_on(6)
        self.assertEqual(len(self.communications()), 1, "letter needs 7 days")
        self.run_on(7)
        self.assertEqual(self.communications()[-1:].level_id, self.letter)
        self.assertEqual(invoice.credit_dunning_level_id, self.letter)
        calls = self.customer.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(len(calls), 1)
        self.run_on(14)
        self.run_on(21)
        self.assertEqual(
            self.communications().level_id, self.levels, "four runs, four levels"
        )
        self.assertEqual(
            self.customer.with_company(self.company).sudo().credit_escalation, "legal"
        )
        self.run_on(60)
        self.assertEqual(len(self.communications()), 4, "no level after the last")

    def test_grouping_per_customer_and_currency(self):
        other_currency = self.setup_other_currency("EUR")
        other = self.env["res.partner"].create(
            {"name": "Other Customer", "email": "other@example.com"}
        )
        first = self.invoice(100.0, days_overdue=10)
        second = self.invoice(200.0, days_overdue=8)
        not_due = self.invoice(50.0, days_overdue=1)  # overdue, not at a level
        foreign = self.invoice(300.0, days_overdue=9, currency_id=other_currency.id)
        self.invoice(400.0, partner=other, days_overdue=20)
        self.run_on()
        dunned = self.communications()
        self.assertEqual(len(dunned), 2)
        local = dunned.filtered(lambda d: d.currency_id == self.currency)
        stepped = local.line_ids.filtered("stepped")
        self.assertEqual(stepped.move_id, first | second)
        self.assertEqual((local.line_ids - stepped).move_id, not_due, "recalled")
        self.assertEqual(local.total, 350.0)
        abroad = dunned - local
        self.assertEqual(abroad.currency_id, other_currency)
        self.assertEqual(abroad.line_ids.move_id, foreign)
        self.assertEqual(abroad.total, 300.0)
        self.assertFalse(not_due.credit_dunning_level_id)
        self.assertEqual(len(self.communications(other)), 1)

    def test_other_overdue_invoices_are_recalled(self):
        older = self.invoice(100.0, days_overdue=20)
        self.run_on()
        newer = self.invoice(50.0, days_overdue=6)
        self.run_on(1)
        second = self.communications()[-1:]
        self.assertEqual(second.level_id, self.reminder)
        stepped = second.line_ids.filtered("stepped")
        self.assertEqual(stepped.move_id, newer)
        self.assertEqual((second.line_ids - stepped).move_id, older)
        self.assertEqual(second.total, 150.0)

    def test_exclusions(self):
        disputed = self.invoice(300.0, days_overdue=20)
        disputed.sudo().credit_disputed = True
        small = self.invoice(4.0, days_overdue=20)
        self.policy.dunning_tolerance = 5.0
        blocked = self.env["res.partner"].create(
            {"name": "Blocked Customer", "email": "blocked@example.com"}
        )
        blocked.with_company(self.company).credit_dunning_blocked_until = (
            self.today + timedelta(days=3)
        )
        self.invoice(100.0, partner=blocked, days_overdue=20)
        self.run_on()
        self.assertFalse(self.communications())
        self.assertFalse(self.communications(blocked))
        self.assertFalse(
            disputed.credit_dunning_level_id or small.credit_dunning_level_id
        )
        self.assertEqual(self.figures().credit_receivable, 304.0, "still exposed")
        self.run_on(4)
        self.assertEqual(len(self.communications(blocked)), 1, "block ended")

    def test_promise_pauses_until_broken(self):
        invoice = self.invoice(300.0, days_overdue=20)
        self.env["credit.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "promised_date": self.today + timedelta(days=5),
                "grace_days": 0,
            }
        )
        self.run_on()
        self.assertFalse(self.communications(), "paused by the pending promise")
        self.run_on(6)
        self.assertEqual(self.communications().level_id, self.reminder, "broken")

    def test_level_minimum_amount(self):
        self.reminder.min_amount = 150.0
        self.invoice(100.0, days_overdue=10)
        self.run_on()
        self.assertFalse(self.communications())
        self.invoice(60.0, days_overdue=10)
        self.run_on(1)
        self.assertEqual(self.communications().total, 160.0)

    def test_credit_hold_lifted_after_payment_keeps_manual_hold(self):
        self.reminder.credit_hold = True
        invoice = self.invoice(200.0, days_overdue=10)
        customer = self.customer.with_company(self.company)
        customer.write({"credit_hold": True, "credit_hold_reason": "Manual check"})
        self.run_on()
        blocks = self.env["credit.block"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(set(blocks.mapped("origin")), {"manual", "dunning"})
        self.run_on(1)
        self.assertEqual(len(blocks.filtered("active")), 2, "still overdue")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"payment_method_line_id": self.inbound_payment_method_line.id}
        )._create_payments()
        self.run_on(2)
        self.assertEqual(blocks.filtered("active").origin, "manual")
        self.assertTrue(customer.credit_hold)

    def test_resume_after_interruption_makes_no_duplicates(self):
        others = self.env["res.partner"].create(
            [{"name": f"Customer {n}", "email": f"c{n}@example.com"} for n in range(3)]
        )
        for partner in others | self.customer:
            self.invoice(100.0, partner=partner, days_overdue=10)
        Run = self.env["credit.dunning.run"].with_user(self.controller)
        planned, _held = Run._plan(self.company, self.today)
        self.assertEqual(len(planned), 4)
        interrupted = Run._for_day(self.company, self.today)
        interrupted._process(planned[:2])
        self.assertEqual(interrupted.state, "running")
        run = self.run_on()
        self.assertEqual(run, interrupted)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.dunning_ids), 4)
        self.assertEqual(run.dunning_ids.partner_id, others | self.customer)

    def test_letters_print_as_one_pdf(self):
        self.reminder.write({"send_email": False, "print_letter": True})
        self.invoice(100.0, days_overdue=10)
        other = self.env["res.partner"].create({"name": "Letter Customer"})
        self.invoice(100.0, partner=other, days_overdue=10)
        run = self.run_on()
        self.assertEqual(run.letter_count, 2)
        self.assertEqual(set(run.dunning_ids.mapped("state")), {"draft"})
        action = run.with_user(self.controller).action_print_letters()
        self.assertEqual(action["report_name"], "credit_control.report_credit_dunning")
        self.assertEqual(action["context"]["active_ids"], run.dunning_ids.ids)
        self.assertEqual(set(run.dunning_ids.mapped("state")), {"printed"})
        html = self.env["ir.actions.report"]._render_qweb_html(
            "credit_control.report_credit_dunning", run.dunning_ids.ids
        )[0]
        self.assertIn(b"Statement of Account", html)

    def test_wizard_previews_without_writing(self):
        self.invoice(100.0, days_overdue=10)
        Wizard = self.env["credit.dunning.wizard"].with_user(self.controller)
        wizard = Wizard.create({})
        self.assertEqual(wizard.preview_ids.partner_id, self.customer)
        self.assertEqual(wizard.preview_ids.level_id, self.reminder)
        self.assertEqual(wizard.preview_ids.total, 100.0)
        self.assertFalse(self.communications())
        action = wizard.action_run()
        self.assertEqual(action["res_model"], "credit.dunning.run")
        self.assertEqual(len(self.communications()), 1)


@tagged("post_install", "-at_install")
class TestDunningCharges(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reminder.write(
            {"fee_fixed": 5.0, "fee_pct": 1.0, "fee_max": 50.0, "interest_rate": 10.0}
        )
        cls.charges = cls._create_product(
            name="Dunning Charges", lst_price=0.0, taxes_id=[Command.clear()]
        )

    def test_fee_and_interest_invoiced(self):
        self.policy.write(
            {"dunning_charge_mode": "invoice", "dunning_product_id": self.charges.id}
        )
        invoice = self.invoice(1000.0, days_overdue=73)
        self.run_on()
        dunned = self.communications()
        self.assertEqual(dunned.fee, 15.0, "5 + 1 % of 1000")
        self.assertEqual(dunned.interest, 20.0, "1000 x 10 % x 73 / 365")
        charge = dunned.charge_move_id
        self.assertEqual(charge.state, "posted")
        self.assertEqual(charge.partner_id, self.customer)
        self.assertEqual(charge.invoice_line_ids.mapped("price_unit"), [15.0, 20.0])
        self.assertEqual(charge.amount_total, 35.0)
        self.assertEqual(invoice.credit_interest_until, self.today)

    def test_fee_and_interest_only_on_the_letter(self):
        invoice = self.invoice(1000.0, days_overdue=73)
        self.run_on()
        dunned = self.communications()
        self.assertEqual((dunned.fee, dunned.interest), (15.0, 20.0))
        self.assertEqual(dunned.amount_to_pay, 1035.0)
        self.assertFalse(dunned.charge_move_id)
        self.assertFalse(invoice.credit_interest_until)

    def test_fee_capped_at_maximum(self):
        self.invoice(10000.0, days_overdue=10)
        self.run_on()
        self.assertEqual(self.communications().fee, 50.0)
