from contextlib import contextmanager
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCommon


class CollectionCommon(CreditCommon):
    """A collector, a salesperson and the way to pay invoices on a given day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.controller = new_test_user(
            cls.env,
            login="collection_controller",
            groups="credit_control.group_credit_controller,"
            "account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="collection_salesman",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.Promise = cls.env["credit.promise"]
        cls.Plan = cls.env["credit.payment.plan"]

    def day(self, days):
        return self.today + timedelta(days=days)

    def pay(self, invoices, amount, days=0):
        """Register a payment of ``amount`` on ``invoices`` dated ``days`` from
        today; it is matched to them at once."""
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create(
            {
                "amount": amount,
                "payment_date": self.day(days),
                "group_payment": True,
                "payment_method_line_id": self.inbound_payment_method_line.id,
            }
        )._create_payments()

    def evaluate(self, model, days):
        return model._credit_evaluate(self.company, self.day(days))

    def paused(self, model, days=0):
        return model._credit_paused_move_ids(self.company, self.day(days))

    @contextmanager
    def refused(self, exception, pattern):
        """Odoo's assertRaises rolls the refused change back (assertRaisesRegex
        does not)."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)


@tagged("post_install", "-at_install")
class TestPromise(CollectionCommon):
    def promise(self, invoices, days=5, user=None, **values):
        Promise = self.Promise.with_user(user or self.controller)
        return Promise.create(
            {
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoices.ids)],
                "promised_date": self.day(days),
                **values,
            }
        )

    # Recording

    def test_promise_takes_the_invoices_residual(self):
        invoice = self.invoice(500.0, days_overdue=10)
        self.pay(invoice, 120.0, days=-3)
        promise = self.promise(invoice)
        self.assertRecordValues(
            promise,
            [
                {
                    "amount": 380.0,
                    "date": self.today,
                    "user_id": self.controller.id,
                    "state": "pending",
                    "grace_days": 3,
                    "paid_amount": 0.0,
                }
            ],
        )

    def test_promise_from_the_invoice_form(self):
        invoice = self.invoice(500.0, days_overdue=10)
        action = invoice.with_user(self.controller).action_credit_promise()
        Promise = self.Promise.with_user(self.controller).with_context(
            **action["context"]
        )
        with Form(Promise) as form:
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.amount, 500.0)
            form.promised_date = self.day(7)
        promise = form.record
        self.assertEqual(promise.move_ids, invoice)
        self.assertEqual(promise.state, "pending")
        self.assertEqual(self.customer.credit_promise_count, 1)

    def test_promise_in_the_past_is_refused(self):
        invoice = self.invoice(500.0, days_overdue=10)
        with self.refused(ValidationError, "in the past"):
            self.promise(invoice, days=-1)
        promise = self.promise(invoice, days=0)
        with self.refused(ValidationError, "in the past"):
            promise.with_user(self.controller).promised_date = self.day(-2)

    def test_bad_invoices_and_amounts_are_refused(self):
        invoice = self.invoice(500.0, days_overdue=10)
        other = self.env["res.partner"].create({"name": "Other", "is_company": True})
        with self.refused(ValidationError, "only posted invoices of"):
            self.promise(self.invoice(100.0, partner=other))
        with self.refused(ValidationError, "only posted invoices of"):
            self.promise(self.invoice(100.0, post=False))
        paid = self.invoice(100.0)
        self.pay(paid, 100.0)
        with self.refused(ValidationError, "only posted invoices of"):
            self.promise(paid)
        with self.refused(ValidationError, "more than the"):
            self.promise(invoice, amount=600.0)
        with self.refused(ValidationError, "above 0"):
            self.promise(invoice, amount=0.0)
        with self.refused(ValidationError, "contact of"):
            self.promise(invoice, partner_id=self.contact.id)
        self.promise(invoice)
        with self.refused(ValidationError, "already covered"):
            self.promise(invoice)

    # The daily evaluation

    def test_kept_when_paid_in_full_by_its_date(self):
        invoice = self.invoice(500.0, days_overdue=10)
        promise = self.promise(invoice, days=5)
        self.assertFalse(self.evaluate(self.Promise, 0))
        self.assertEqual(promise.state, "pending")
        self.pay(invoice, 300.0, days=1)
        self.pay(invoice, 200.0, days=4)
        promise.invalidate_recordset(["paid_amount"])
        self.assertEqual(promise.paid_amount, 500.0)
        self.assertFalse(self.evaluate(self.Promise, 4))
        self.assertEqual(promise.state, "kept")
        self.assertFalse(promise.activity_ids)

    def test_broken_after_its_date_and_grace_when_not_paid_in_full(self):
        invoice = self.invoice(500.0, days_overdue=10)
        promise = self.promise(invoice, days=5)
        self.pay(invoice, 200.0, days=2)
        # the promised date plus the 3 grace days: still pending
        self.assertFalse(self.evaluate(self.Promise, 8))
        self.assertEqual(promise.state, "pending")
        messages = self.customer.message_ids
        broken = self.evaluate(self.Promise, 9)
        self.assertEqual(broken, promise)
        self.assertEqual(promise.state, "broken")
        activity = promise.activity_ids
        self.assertEqual(activity.user_id, self.controller)
        self.assertIn("200.00", activity.note)
        note = self.customer.message_ids - messages
        self.assertEqual(len(note), 1)
        self.assertIn("Promise to pay broken", note.body)
        # broken once: the next evaluation leaves it alone
        self.assertFalse(self.evaluate(self.Promise, 10))

    def test_payments_before_the_promise_do_not_count(self):
        invoice = self.invoice(500.0, days_overdue=10)
        self.pay(invoice, 100.0, days=-2)
        promise = self.promise(invoice, days=5, amount=300.0)
        self.assertEqual(promise.paid_amount, 0.0)
        self.assertEqual(self.evaluate(self.Promise, 9), promise)

    def test_paused_invoices_are_those_of_pending_promises(self):
        pending, kept, cancelled = (
            self.invoice(amount, days_overdue=20) for amount in (100.0, 200.0, 300.0)
        )
        self.promise(pending, days=5)
        self.promise(kept, days=5)
        self.promise(cancelled, days=5).with_user(self.controller).action_cancel()
        self.pay(kept, 200.0)
        self.assertEqual(self.paused(self.Promise), {pending.id})
        # past its date and grace, a promise pauses nothing even before the
        # daily evaluation marks it broken
        self.assertEqual(self.paused(self.Promise, 9), set())
        self.evaluate(self.Promise, 0)
        self.assertEqual(self.paused(self.Promise), {pending.id})

    def test_cron_evaluates_every_company(self):
        invoice = self.invoice(500.0, days_overdue=10)
        promise = self.promise(invoice, days=0)
        self.pay(invoice, 500.0)
        self.Promise._cron_evaluate()
        self.assertEqual(promise.state, "kept")

    # Rights

    def test_rights(self):
        invoice = self.invoice(500.0, days_overdue=10)
        with self.assertRaises(AccessError):
            self.promise(invoice, user=self.salesman)
        with self.assertRaises(AccessError):
            invoice.with_user(self.salesman).action_credit_promise()
        action = invoice.with_user(self.controller).action_credit_promise()
        self.assertEqual(action["context"]["default_move_ids"], invoice.ids)
        promise = self.promise(invoice)
        promise.with_user(self.controller).note = "Calls back on Monday."
        with self.assertRaises(AccessError):
            promise.with_user(self.salesman).read(["amount"])
        with self.assertRaises(AccessError):
            promise.with_user(self.controller).state = "kept"
        with self.assertRaises(AccessError):
            promise.with_user(self.controller).unlink()
        promise.with_user(self.controller).action_cancel()
        with self.refused(ValidationError, "can no longer be changed"):
            promise.with_user(self.controller).amount = 100.0
        with self.assertRaises(UserError):
            promise.with_user(self.controller).action_cancel()
        self.Promise.browse(promise.id).unlink()

    def test_other_company_promises_are_invisible(self):
        other = self.setup_other_company(name="Other Promise Co")["company"]
        invoice = self.init_invoice(
            "out_invoice",
            partner=self.customer,
            invoice_date=self.day(-10),
            post=True,
            amounts=[300.0],
            company=other,
        )
        promise = self.Promise.with_company(other).create(
            {
                "company_id": other.id,
                "partner_id": self.customer.id,
                "move_ids": [(6, 0, invoice.ids)],
                "promised_date": self.day(5),
            }
        )
        Promise = self.Promise.with_user(self.controller)
        self.assertFalse(Promise.search([("id", "=", promise.id)]))
        with self.assertRaises(AccessError):
            promise.with_user(self.controller).read(["amount"])
        self.assertEqual(self.paused(self.Promise), set())
        self.assertEqual(
            self.Promise._credit_paused_move_ids(other, self.today), {invoice.id}
        )
