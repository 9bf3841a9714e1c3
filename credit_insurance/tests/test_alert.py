from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestInsuranceAlert(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurance.write({"overdue_notice_days": 30, "reminder_days": 10})
        cls.Rule = cls.env["credit.alert.rule"]
        cls.setting = cls.Rule.search(
            [("company_id", "=", cls.env.company.id), ("code", "=", "insurance_event")]
        )

    def evaluate(self, days=0):
        alerts = self.Rule._credit_evaluate(
            self.env.company, self.today + timedelta(days=days)
        )
        return alerts.filtered(lambda a: a.rule_code == "insurance_event")

    def buyer(self, name):
        return self.env["res.partner"].create({"name": name, "is_company": True})

    def test_every_company_has_the_rule(self):
        self.assertEqual(self.setting.days, 30)
        self.assertTrue(self.setting.uses_days)
        other = self.env["res.company"].create({"name": "Insured Newco"})
        self.assertEqual(
            self.Rule.sudo().search_count(
                [("company_id", "=", other.id), ("code", "=", "insurance_event")]
            ),
            1,
        )

    def test_cover_expiring_raised_once(self):
        cover = self.cover(2000.0, date_expiry=self.today + timedelta(days=20))
        alert = self.evaluate()
        self.assertEqual(alert.partner_id, self.customer)
        self.assertEqual((alert.res_model, alert.res_id), (cover._name, cover.id))
        self.assertEqual(alert.severity, "warning")
        self.assertIn("expires on", alert.message)
        self.assertFalse(self.evaluate())
        self.assertFalse(self.evaluate(days=1))

        self.setting.days = 10
        self.cover(
            1000.0,
            partner=self.buyer("Later Buyer"),
            date_expiry=self.today + timedelta(days=15),
        )
        self.assertFalse(self.evaluate())
        self.assertEqual(self.evaluate(days=5).partner_id.name, "Later Buyer")

    def test_withdrawn_cover_is_critical(self):
        cover = self.cover(2000.0)
        self.assertFalse(self.evaluate())
        cover._record_decision("withdrawn", 0.0, self.today, self.today)
        alert = self.evaluate()
        self.assertEqual(alert.severity, "critical")
        self.assertIn("Withdrawn", alert.message)
        self.assertFalse(self.evaluate())

    def test_notification_deadline_near_then_passed(self):
        self.cover(5000.0)
        self.sold(100.0, days_overdue=25)
        self.sold(100.0, days_overdue=31)
        self.sold(100.0, days_overdue=1)  # deadline in 29 days
        self.setting.days = 10
        self.env["credit.insurance.overdue"]._cron_scan()
        alerts = self.evaluate()
        self.assertEqual(len(alerts), 2)
        near = alerts.filtered(lambda a: a.event_key.endswith(":deadline"))
        late = alerts.filtered(lambda a: a.event_key.endswith(":late"))
        self.assertEqual(near.severity, "warning")
        self.assertEqual(late.severity, "critical")
        self.assertIn("at risk", late.message)
        self.assertFalse(self.evaluate())
        later = self.evaluate(days=6)
        self.assertEqual(later.res_id, near.res_id, "the near one is late now")
        self.assertEqual(later.severity, "critical")

    def test_switched_off_and_rights(self):
        self.setting.enabled = False
        self.cover(2000.0, date_expiry=self.today + timedelta(days=5))
        self.assertFalse(self.evaluate())
        controller = new_test_user(
            self.env,
            "insurance_alert_controller",
            "credit_control.group_credit_controller",
            company_id=self.env.company.id,
        )
        with self.assertRaises(AccessError):
            self.setting.with_user(controller).write({"enabled": True})
        self.setting.enabled = True
        self.assertTrue(self.evaluate())
