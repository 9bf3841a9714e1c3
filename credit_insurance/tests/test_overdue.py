from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestOverdue(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurance.write(
            {"overdue_notice_days": 30, "reminder_days": 10, "waiting_days": 60}
        )
        cls.cover(2000.0)
        cls.Overdue = cls.env["credit.insurance.overdue"]

    def scan(self):
        self.Overdue._cron_scan()
        return self.Overdue.search([("partner_id", "=", self.customer.id)])

    def test_scan_records_insured_overdue_invoices_with_their_deadline(self):
        late = self.sold(100.0, days_overdue=5)
        self.sold(100.0, days_overdue=-5)  # not due
        self.sold(100.0, terms_days=90, days_overdue=5)  # beyond the credit terms
        self.sold(100.0, days_overdue=5).action_credit_dispute("Wrong goods")
        stranger = self.env["res.partner"].create({"name": "Uninsured"})
        self.sold(100.0, days_overdue=5, partner=stranger)
        overdue = self.scan()
        self.assertEqual(overdue.move_id, late)
        self.assertEqual(overdue.date_deadline, self.today + timedelta(days=25))
        self.assertEqual(overdue.state, "to_notify")
        self.assertFalse(overdue.cover_at_risk)
        self.assertFalse(overdue.activity_ids)
        self.assertEqual(self.scan(), overdue)  # once only
        self.assertFalse(self.Overdue.search([("partner_id", "=", stranger.id)]))

    def test_deadline_near_gives_an_activity_and_passed_puts_the_cover_at_risk(self):
        near = self.sold(100.0, days_overdue=25)
        passed = self.sold(100.0, days_overdue=31)
        overdues = self.scan()
        near_one = overdues.filtered(lambda o: o.move_id == near)
        passed_one = overdues.filtered(lambda o: o.move_id == passed)
        self.assertTrue(near_one.activity_ids)
        self.assertEqual(near_one.activity_ids.date_deadline, near_one.date_deadline)
        self.assertFalse(near_one.cover_at_risk)
        self.assertTrue(passed_one.cover_at_risk)
        passed_one.notice_reference = "LATE-1"
        passed_one.action_notify()
        self.assertFalse(passed_one.cover_at_risk)
        self.assertEqual(passed_one.state, "notified")
        self.assertEqual(passed_one.date_notified, self.today)

    def test_paid_invoice_is_settled(self):
        invoice = self.sold(100.0, days_overdue=5)
        overdue = self.scan()
        self._register_payment(invoice)
        self.scan()
        self.assertEqual(overdue.state, "settled")

    def test_claim_for_the_insured_part_after_the_waiting_period(self):
        self.insurance.waiting_days = 0
        first = self.sold(1500.0, days_overdue=40)
        second = self.sold(1000.0, days_overdue=35)
        overdues = self.scan()
        overdues.action_notify()
        self.scan()
        self.assertTrue(all(overdues.mapped("activity_ids")))
        action = overdues.action_create_claim()
        claim = self.env["credit.insurance.claim"].browse(action["res_id"])
        self.assertEqual(claim.move_ids, first | second)
        self.assertEqual(claim.amount_outstanding, 2500.0)
        self.assertEqual(claim.amount_claimed, 1800.0)  # 90 % of the 2 000 cover
        self.assertEqual(claim.date_loss, first.invoice_date_due)
        self.assertEqual(set(overdues.mapped("state")), {"claimed"})
        with self.assertRaises(UserError):
            overdues.action_create_claim()
        claim.action_attach_documents()
        self.assertTrue(claim.message_ids.attachment_ids)
        claim.action_file()
        claim.action_accept()
        claim.write({"amount_indemnity": 1800.0})
        with self.assertRaises(UserError):
            claim.action_book_indemnity()  # no journal yet
        self.insurance.indemnity_journal_id = self.company_data["default_journal_bank"]
        claim.action_book_indemnity()
        self.assertEqual(claim.state, "paid")
        self.assertEqual(claim.payment_id.partner_id, self.insurer)
        self.assertEqual(claim.payment_id.amount, 1800.0)
        self.assertEqual(claim.payment_id.state, "in_process")
        claim.write({"recovery_ids": [(0, 0, {"amount": 500.0})]})
        self.assertEqual(claim.amount_insurer_share, 450.0)

    def test_salesperson_cannot_notify_nor_claim(self):
        self.sold(100.0, days_overdue=5)
        overdue = self.scan()
        salesman = new_test_user(
            self.env,
            "overdue_salesman",
            groups="sales_team.group_sale_salesman,credit_control.group_credit_user",
        )
        with self.assertRaises(AccessError):
            overdue.with_user(salesman).action_notify()
        with self.assertRaises(AccessError):
            overdue.with_user(salesman).write({"notice_reference": "X"})
        with self.assertRaises(AccessError):
            overdue.with_user(salesman).action_create_claim()

    def test_obligations_list_every_deadline(self):
        self.sold(100.0, days_overdue=5)
        self.scan()
        obligations = self.env["credit.insurance.obligation"].search(
            [("policy_id", "=", self.insurance.id)]
        )
        self.assertIn("notification", obligations.mapped("kind"))
        notification = obligations.filtered(lambda o: o.kind == "notification")
        self.assertEqual(notification.date, self.today + timedelta(days=25))
        self.assertEqual(
            notification.action_open()["res_model"], "credit.insurance.overdue"
        )
