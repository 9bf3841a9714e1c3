from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.credit_control.lib.dunning import add_months

from .test_promise import CollectionCommon


@tagged("post_install", "-at_install")
class TestPaymentPlan(CollectionCommon):
    def plan(self, invoices, instalments=(), activate=True, **values):
        """A plan of ``invoices`` from today with instalments of ``(days from today,
        amount)``."""
        plan = self.Plan.with_user(self.controller).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoices.ids)],
                "instalment_ids": [
                    Command.create({"date": self.day(days), "amount": amount})
                    for days, amount in instalments
                ],
                **values,
            }
        )
        if activate:
            plan.action_activate()
        return plan

    def assert_lines(self, plan, expected):
        plan.invalidate_recordset(["paid_amount"])
        plan.instalment_ids.invalidate_recordset(["paid_amount", "state"])
        self.assertEqual(
            [(line.paid_amount, line.state) for line in plan.instalment_ids],
            expected,
        )

    # Recording

    def test_compute_instalments_with_interest(self):
        invoice = self.invoice(1200.0, days_overdue=30)
        plan = self.plan(
            invoice,
            activate=False,
            date_start=date(2030, 1, 1),
            first_date=date(2030, 2, 1),
            interest_rate=12.0,
        )
        self.assertEqual(plan.principal, 1200.0)
        plan.action_compute_instalments()
        # 400 of principal each, with 12 % a year on what is still owed for 31,
        # 28 and 31 days
        self.assertRecordValues(
            plan.instalment_ids,
            [
                {"date": date(2030, 2, 1), "amount": 412.23, "interest": 12.23},
                {"date": date(2030, 3, 1), "amount": 407.36, "interest": 7.36},
                {"date": date(2030, 4, 1), "amount": 404.08, "interest": 4.08},
            ],
        )
        self.assertEqual(plan.interest_total, 23.67)
        self.assertEqual(plan.amount_total, 1223.67)
        # computed again with another count, the old instalments go
        plan.instalment_count = 2
        plan.action_compute_instalments()
        self.assertEqual(
            plan.instalment_ids.mapped("date"), [date(2030, 2, 1), date(2030, 3, 1)]
        )
        plan.action_activate()
        self.assertEqual(plan.state, "active")

    def test_plan_form(self):
        invoice = self.invoice(600.0, days_overdue=30)
        with Form(self.Plan.with_user(self.controller)) as form:
            form.partner_id = self.customer
            form.move_ids.add(invoice)
            self.assertEqual(form.principal, 600.0)
            self.assertEqual(form.first_date, add_months(self.today, 1))
            for days in (10, 40):
                with form.instalment_ids.new() as line:
                    line.date = self.day(days)
                    line.amount = 300.0
        plan = form.record
        self.assertEqual(plan.amount_total, 600.0)
        plan.action_activate()
        self.assertEqual(self.customer.credit_payment_plan_count, 1)

    def test_instalments_not_summing_to_the_principal_are_refused(self):
        invoice = self.invoice(900.0, days_overdue=30)
        plan = self.plan(invoice, [(10, 300.0), (40, 300.0), (70, 200.0)], False)
        with self.refused(UserError, "they repay .*800.00, not the principal"):
            plan.action_activate()
        self.assertEqual(plan.state, "draft")
        plan.instalment_ids[-1].amount = 300.0
        plan.instalment_ids[0].date = self.today
        with self.refused(UserError, "fall after the start date"):
            plan.action_activate()
        plan.instalment_ids[0].date = self.day(40)
        with self.refused(UserError, "each on a later day"):
            plan.action_activate()
        plan.instalment_ids[0].date = self.day(10)
        plan.principal = 1000.0
        with self.refused(UserError, "more than the"):
            plan.action_activate()
        plan.principal = 900.0
        plan.action_activate()
        other = self.plan(invoice, [(10, 900.0)], False)
        with self.refused(UserError, "already covered"):
            other.action_activate()

    # The daily evaluation

    def test_on_track_then_broken_when_the_second_instalment_is_missed(self):
        invoice = self.invoice(900.0, days_overdue=30)
        plan = self.plan(invoice, [(10, 300.0), (40, 300.0), (70, 300.0)])
        self.pay(invoice, 300.0, days=5)
        self.assert_lines(plan, [(300.0, "paid"), (0.0, "to_pay"), (0.0, "to_pay")])
        self.assertFalse(self.evaluate(self.Plan, 11))
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.next_due_date, self.day(40))
        # the second one's 3 grace days
        self.assertFalse(self.evaluate(self.Plan, 43))
        broken = self.evaluate(self.Plan, 44)
        self.assertEqual(broken, plan)
        self.assertEqual(plan.state, "broken")
        self.assertEqual(plan.activity_ids.user_id, self.controller)
        self.assertIn("300.00", plan.activity_ids.note)
        self.assertIn("Payment plan broken", self.customer.message_ids[0].body)

    def test_completed_when_every_instalment_is_paid(self):
        invoices = self.invoice(500.0, days_overdue=30) + self.invoice(
            400.0, days_overdue=20
        )
        plan = self.plan(invoices, [(10, 450.0), (40, 450.0)])
        self.pay(invoices, 600.0, days=8)
        self.assert_lines(plan, [(450.0, "paid"), (150.0, "to_pay")])
        self.assertFalse(self.evaluate(self.Plan, 30))
        self.assertEqual(plan.state, "active")
        self.pay(invoices, 300.0, days=35)
        self.assertFalse(self.evaluate(self.Plan, 35))
        self.assertEqual(plan.state, "completed")
        self.assertFalse(plan.activity_ids)

    def test_paused_invoices_are_those_of_plans_on_track(self):
        draft, on_track, late = (
            self.invoice(amount, days_overdue=30) for amount in (100.0, 200.0, 300.0)
        )
        self.plan(draft, [(10, 100.0)], activate=False)
        self.plan(on_track, [(10, 100.0), (40, 100.0)])
        self.plan(late, [(20, 300.0)])
        self.pay(on_track, 100.0, days=1)
        self.assertEqual(self.paused(self.Plan), {on_track.id, late.id})
        self.assertEqual(self.paused(self.Plan, 30), {on_track.id})
        self.assertEqual(self.paused(self.Plan, 50), set())

    # Rights

    def test_rights(self):
        invoice = self.invoice(900.0, days_overdue=30)
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.salesman).create(
                {"partner_id": self.customer.id, "move_ids": [Command.set(invoice.ids)]}
            )
        plan = self.plan(invoice, [(10, 900.0)], activate=False)
        with self.assertRaises(AccessError):
            plan.with_user(self.salesman).action_activate()
        plan.with_user(self.controller).action_activate()
        line = plan.instalment_ids.with_user(self.controller)
        with self.refused(UserError, "only while it is a draft"):
            line.amount = 100.0
        with self.refused(UserError, "only while it is a draft"):
            line.unlink()
        with self.assertRaises(UserError):
            plan.with_user(self.controller).action_compute_instalments()
        with self.assertRaises(AccessError):
            plan.with_user(self.controller).unlink()
        plan.with_user(self.controller).action_cancel()
        self.assertEqual(self.paused(self.Plan), set())
        self.Plan.browse(plan.id).unlink()
        self.assertFalse(line.exists())
