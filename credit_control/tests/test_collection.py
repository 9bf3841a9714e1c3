from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .test_dunning import DunningCommon


@tagged("post_install", "-at_install")
class TestCollectionWorkspace(DunningCommon):
    """The customers to follow up: one row per customer from one query, and the
    buttons that log what the collector did in the customer's chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.credit_user = new_test_user(
            cls.env,
            login="collection_reader",
            groups="credit_control.group_credit_user",
            company_id=cls.company.id,
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Followed Customer", "is_company": True}
        )
        cls.other_customer.with_company(
            cls.company
        ).credit_collector_id = cls.controller

    def days(self, days):
        return self.today + timedelta(days=days)

    def rows(self, user=None, domain=()):
        Collection = self.env["credit.collection"].with_user(user or self.controller)
        Collection.invalidate_model()
        return Collection.search(list(domain))

    def row(self, partner=None, user=None):
        partner = partner or self.customer
        return self.rows(user).filtered(lambda r: r.partner_id == partner)

    def notes(self, partner=None):
        (partner or self.customer).invalidate_recordset(["message_ids"])
        return (partner or self.customer).message_ids

    def test_row_figures_and_next_action(self):
        old = self.invoice(500.0, days_overdue=40)
        recent = self.invoice(300.0, days_overdue=10)
        self.invoice(200.0, days_overdue=-20)  # not due: no row figure
        old.sudo().write(
            {
                "credit_dunning_level_id": self.letter.id,
                "credit_dunning_date": self.days(-3),
            }
        )
        row = self.row()
        self.assertRecordValues(
            row,
            [
                {
                    "company_id": self.company.id,
                    "overdue_amount": 800.0,
                    "days_overdue": 40,
                    "level_id": self.letter.id,
                    "last_dunning_date": self.days(-3),
                    "last_contact": self.days(-3),
                    # the recent invoice reaches its first level 5 days after its
                    # due date: today - 5
                    "next_level_id": self.reminder.id,
                    "next_action_date": self.days(-5),
                    "disputed_amount": 0.0,
                    "promise_count": 0,
                }
            ],
        )
        self.assertEqual(row.next_action, "Email")
        # disputed, the recent invoice no longer moves: the old one reaches the
        # hold level 7 days after its letter
        recent.with_user(self.controller).action_credit_dispute("Wrong quantity")
        row = self.row()
        self.assertEqual(row.next_level_id, self.hold)
        self.assertEqual(row.next_action_date, self.days(4))
        self.assertEqual(row.disputed_amount, 300.0)
        self.assertEqual(row.last_contact, self.today, "the dispute is a contact")
        # a dunning block pushes the next action after it
        self.customer.with_company(
            self.company
        ).sudo().credit_dunning_blocked_until = self.days(10)
        self.assertEqual(self.row().next_action_date, self.days(11))
        # a pending promise pauses its invoices: nothing moves any more
        self.env["credit.promise"].with_user(self.controller).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(old.ids)],
                "promised_date": self.days(7),
            }
        )
        row = self.row()
        self.assertFalse(row.next_level_id)
        self.assertFalse(row.next_action_date)
        self.assertEqual((row.promise_count, row.promise_amount), (1, 500.0))

    def test_paid_customers_leave_and_the_run_writes_in_the_chatter(self):
        invoice = self.invoice(500.0, days_overdue=10)
        self.assertTrue(self.row())
        before = self.notes()
        self.run_on()
        note = self.notes() - before
        self.assertEqual(len(note), 1)
        self.assertIn("500.00 due: Email, Sent.", note.body)
        self.assertIn(self.communications().display_name, note.body)
        row = self.row()
        self.assertEqual(row.level_id, self.reminder)
        self.assertEqual(row.last_contact, self.today)
        self.assertEqual(row.next_level_id, self.letter)
        self.assertEqual(row.next_action_date, self.days(7))
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertFalse(self.row())

    def test_my_customers(self):
        self.invoice(500.0, days_overdue=10)
        self.invoice(400.0, partner=self.other_customer, days_overdue=20)
        self.customer.user_id = self.controller
        mine = self.rows(domain=[("collector_id", "=", self.controller.id)])
        self.assertEqual(mine.partner_id, self.other_customer)
        sales = self.rows(domain=[("user_id", "=", self.controller.id)])
        self.assertEqual(sales.partner_id, self.customer)
        # the collector field on the customers
        partners = (
            self.env["res.partner"]
            .with_user(self.controller)
            .search([("credit_collector_id", "=", self.controller.id)])
        )
        self.assertEqual(partners, self.other_customer)

    def test_log_call_closes_the_planned_call(self):
        self.invoice(500.0, days_overdue=20)
        self.customer.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.controller.id
        )
        action = self.row().action_log_call()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create({"note": "Pays on Friday"})
        )
        before = self.notes()
        wizard.action_confirm()
        self.customer.invalidate_recordset(["activity_ids"])
        self.assertFalse(self.customer.activity_ids)
        note = self.notes() - before
        self.assertEqual(len(note), 1)
        self.assertIn("Pays on Friday", note.body)
        self.assertEqual(note.author_id, self.controller.partner_id)

    def test_log_call_with_a_promised_date(self):
        invoice = self.invoice(500.0, days_overdue=20)
        self.invoice(100.0, days_overdue=-10)
        wizard = (
            self.env["credit.collection.call"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.contact.id,
                    "note": "Transfer next week",
                    "promised_date": self.days(7),
                }
            )
        )
        before = self.notes()
        wizard.action_confirm()
        promise = self.env["credit.promise"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(promise.move_ids, invoice)
        self.assertEqual(promise.amount, 500.0)
        self.assertEqual(promise.user_id, self.controller)
        bodies = " ".join((self.notes() - before).mapped("body"))
        self.assertIn("Promise to pay recorded", bodies)
        self.assertIn("Transfer next week", bodies)
        # a second promise has no invoice left to cover
        with self.assertRaises(UserError):
            wizard.copy().action_confirm()

    def test_send_email_on_the_last_communication(self):
        self.customer.email = "customer@example.com"
        self.invoice(500.0, days_overdue=10)
        # no communication yet: an email on the customer itself
        action = self.row().action_send_email()
        self.assertEqual(action["context"]["default_model"], "res.partner")
        self.run_on()
        communication = self.communications()
        action = self.row().action_send_email()
        self.assertEqual(action["context"]["default_model"], "credit.dunning")
        self.assertEqual(action["context"]["default_res_ids"], communication.ids)
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn("overdue invoices", composer.subject)
        before = self.notes()
        composer._action_send_mail()
        self.assertIn("email sent", (self.notes() - before).body)
        self.assertTrue(communication.message_ids.filtered("subject"))

    def test_record_promise_and_flag_dispute(self):
        invoice = self.invoice(500.0, days_overdue=20)
        row = self.row()
        action = row.action_record_promise()
        self.assertEqual(action["context"]["default_move_ids"], invoice.ids)
        before = self.notes()
        self.env["credit.promise"].with_user(self.controller).with_context(
            **action["context"]
        ).create({"promised_date": self.days(5)})
        self.assertIn("Promise to pay recorded", (self.notes() - before).body)

        other = self.invoice(300.0, days_overdue=15)
        action = row.action_flag_dispute()
        self.assertEqual(action["context"]["default_move_ids"], other.ids)
        wizard = (
            self.env["credit.dispute"]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create({"reason": "Damaged goods"})
        )
        before = self.notes()
        wizard.action_confirm()
        self.assertTrue(other.credit_disputed)
        self.assertIn("Damaged goods", (self.notes() - before).body)
        with self.assertRaises(UserError):
            self.row().action_flag_dispute()
        action = row.action_open_customer()
        self.assertEqual(action["res_id"], self.customer.id)

    def test_rights(self):
        self.invoice(500.0, days_overdue=20)
        self.assertTrue(self.row(user=self.credit_user))
        with self.assertRaises(AccessError):
            self.rows(user=self.salesman)
        row = self.row(user=self.credit_user)
        for method in (
            "action_log_call",
            "action_send_email",
            "action_record_promise",
            "action_flag_dispute",
        ):
            with self.assertRaises(AccessError, msg=method):
                getattr(row, method)()
        with self.assertRaises(AccessError):
            self.env["credit.collection.call"].with_user(self.credit_user).create(
                {"partner_id": self.customer.id, "note": "Called"}
            )
        self.assertEqual(
            row.action_open_customer()["res_id"], self.customer.id, "a user may look"
        )

    def test_other_company_invisible(self):
        other = self.setup_other_company(name="Collections Elsewhere")["company"]
        self.invoice(500.0, days_overdue=20)
        outsider = self.env["res.partner"].create({"name": "Elsewhere Customer"})
        self.env["account.move"].with_company(other).create(
            {
                "move_type": "out_invoice",
                "partner_id": outsider.id,
                "invoice_date": self.days(-30),
                "invoice_date_due": self.days(-30),
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 700.0})
                ],
            }
        ).action_post()
        self.assertEqual(self.rows().partner_id, self.customer)
        self.env.user.company_ids |= other
        elsewhere = self.env["credit.collection"].with_company(other).search([])
        self.assertEqual(elsewhere.partner_id, outsider)
        self.assertEqual(elsewhere.company_id, other)
        self.assertEqual(elsewhere.overdue_amount, 700.0)
        with self.assertRaises(AccessError):
            self.env["credit.collection"].with_user(self.controller).with_company(
                other
            ).search([])

    def test_reading_does_not_grow_with_customers(self):
        fields = [
            "partner_id",
            "overdue_amount",
            "days_overdue",
            "level_id",
            "next_level_id",
            "next_action",
            "next_action_date",
            "collector_id",
            "last_contact",
            "promise_count",
            "payment_plan_id",
        ]

        def read_count(count):
            for index in range(count):
                partner = self.env["res.partner"].create(
                    {"name": f"Late {index}", "is_company": True}
                )
                invoice = self.invoice(100.0, partner=partner, days_overdue=10 + index)
                # the same current and next levels with few customers or many
                invoice.sudo().credit_dunning_level_id = self.levels[index % 2]
            self.env.flush_all()
            Collection = self.env["credit.collection"].with_user(self.controller)
            Collection.search_read([], fields)  # the rules and rights in cache
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            records = Collection.search_read([], fields)
            return self.env.cr.sql_log_count - before, len(records)

        few, rows = read_count(2)
        self.assertEqual(rows, 2)
        many, rows = read_count(8)
        self.assertEqual(rows, 10)
        self.assertEqual(many, few)
