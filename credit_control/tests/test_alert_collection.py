from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestAlertCollection(CreditCommon):
    """The alerts on broken promises and plans, and on guarantees ending soon."""

    def evaluate(self, days=0):
        return self.env["credit.alert.rule"]._credit_evaluate(
            self.env.company, self.today + timedelta(days=days)
        )

    def test_broken_promise_raised_once(self):
        invoice = self.invoice(300.0, days_overdue=20)
        promise = self.env["credit.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
                "promised_date": self.today + timedelta(days=1),
                "grace_days": 0,
            }
        )
        self.assertFalse(
            self.evaluate().filtered(lambda a: a.rule_code == "broken_promise")
        )
        self.env["credit.promise"]._credit_evaluate(
            self.env.company, self.today + timedelta(days=2)
        )
        self.assertEqual(promise.state, "broken")
        alert = self.evaluate(2).filtered(lambda a: a.rule_code == "broken_promise")
        self.assertRecordValues(
            alert,
            [
                {
                    "partner_id": self.customer.id,
                    "severity": "critical",
                    "state": "new",
                }
            ],
        )
        self.assertIn(promise.display_name, alert.message)
        self.assertFalse(
            self.evaluate(3).filtered(lambda a: a.rule_code == "broken_promise")
        )

    def test_guarantee_expiring_raised_once(self):
        bank = self.env["res.partner"].create({"name": "Bank", "is_company": True})
        guarantee = self.env["credit.guarantee"].create(
            {
                "partner_id": self.customer.id,
                "issuer_id": bank.id,
                "amount": 500.0,
                "date_start": self.today,
                "date_end": self.today + timedelta(days=40),
            }
        )
        guarantee.action_validate()
        self.assertFalse(
            self.evaluate().filtered(lambda a: a.rule_code == "guarantee_expiring")
        )
        alert = self.evaluate(15).filtered(
            lambda a: a.rule_code == "guarantee_expiring"
        )
        self.assertEqual(alert.partner_id, self.customer)
        self.assertFalse(
            self.evaluate(16).filtered(lambda a: a.rule_code == "guarantee_expiring")
        )
