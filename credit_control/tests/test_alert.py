from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestAlert(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Alert = cls.env["credit.alert"]
        cls.Rule = cls.env["credit.alert.rule"]
        cls.company = cls.env.company
        company = {"company_id": cls.company.id}
        cls.salesman = new_test_user(
            cls.env, "alert_salesman", "sales_team.group_sale_salesman", **company
        )
        cls.credit_user = new_test_user(
            cls.env, "alert_user", "credit_control.group_credit_user", **company
        )
        cls.controller = new_test_user(
            cls.env,
            "alert_controller",
            "credit_control.group_credit_controller",
            **company,
        )
        cls.scorecard = cls.env["credit.scorecard"]._active_for(cls.company)

    def evaluate(self, days=0):
        return self.Rule._credit_evaluate(
            self.company, self.today + timedelta(days=days)
        )

    def setting(self, code, **values):
        setting = self.Rule.search(
            [("company_id", "=", self.company.id), ("code", "=", code)]
        )
        setting.write(values)
        return setting

    def alerts(self, code, partner=None):
        return self.Alert.search(
            [
                ("rule_code", "=", code),
                ("partner_id", "=", (partner or self.customer).id),
            ]
        )

    def customer_with(self, name, **values):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, **values}
        )

    # The rules

    def test_every_company_has_every_rule(self):
        codes = {code for code, _label in self.Rule._selection_code()}
        self.assertEqual(
            set(
                self.Rule.search([("company_id", "=", self.company.id)]).mapped("code")
            ),
            codes,
        )
        new = self.env["res.company"].create({"name": "Alerts Newco"})
        settings = self.Rule.sudo().search([("company_id", "=", new.id)])
        self.assertEqual(set(settings.mapped("code")), codes)
        self.Rule._credit_ensure_default_rules()
        self.assertEqual(
            self.Rule.sudo().search_count([("company_id", "=", new.id)]), len(codes)
        )
        over = settings.filtered(lambda s: s.code == "utilisation_over")
        self.assertEqual(over.severity, "critical")
        self.assertFalse(over.uses_days)
        self.assertTrue(
            settings.filtered(lambda s: s.code == "limit_expiring").uses_days
        )

    def test_new_overdue_raised_once_then_again_for_a_new_episode(self):
        invoice = self.invoice(300.0, days_overdue=10)
        raised = self.evaluate()
        alert = raised.filtered(lambda a: a.rule_code == "new_overdue")
        self.assertEqual(alert.partner_id, self.customer)
        self.assertEqual((alert.state, alert.severity), ("new", "warning"))
        self.assertIn("10 days", alert.message)
        self.assertEqual(alert.user_id, self.company._credit_managers()[:1])
        self.assertFalse(
            self.evaluate().filtered(lambda a: a.rule_code == "new_overdue")
        )
        second = self.invoice(200.0, days_overdue=3)
        self.assertFalse(self.evaluate(), "the same episode raises nothing more")
        self.assertEqual(len(self.alerts("new_overdue")), 1)

        self._register_payment(invoice)
        self.evaluate()
        self.assertEqual(alert.state, "new", "still overdue: the episode goes on")
        self._register_payment(second)
        self.evaluate()
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(alert.resolved_by_id)

        self.invoice(100.0, days_overdue=2)
        again = self.evaluate()
        self.assertEqual(again.rule_code, "new_overdue")
        self.assertNotEqual(again.event_key, alert.event_key)
        self.assertEqual(len(self.alerts("new_overdue")), 2)

    def test_new_overdue_thresholds_and_switch(self):
        self.invoice(300.0, days_overdue=10)
        self.setting("new_overdue", enabled=False)
        self.assertFalse(self.evaluate())
        self.setting("new_overdue", enabled=True, threshold_amount=300.0)
        self.assertFalse(self.evaluate(), "300 is not above 300")
        self.setting("new_overdue", threshold_amount=299.0, days=10)
        self.assertFalse(self.evaluate(), "10 days is not more than 10")
        self.setting("new_overdue", days=9, severity="critical")
        alert = self.evaluate()
        self.assertEqual((alert.rule_code, alert.severity), ("new_overdue", "critical"))

    def test_utilisation_crossings(self):
        self.invoice(850.0)
        warning = self.evaluate()
        self.assertEqual(warning.rule_code, "utilisation_warning")
        self.assertIn("85 %", warning.message)
        self.assertFalse(self.evaluate(), "raised once")
        self.assertFalse(self.evaluate(days=1), "nor the next day: same crossing")

        self.invoice(300.0)
        over = self.evaluate()
        self.assertEqual(over.rule_code, "utilisation_over")
        self.assertEqual(over.severity, "critical")
        self.assertEqual(warning.state, "resolved", "over the limit, no more near it")
        self.assertFalse(self.evaluate())

        self.customer.credit_limit = 5000.0
        self.assertFalse(self.evaluate())
        self.assertEqual(over.state, "resolved")
        self.customer.credit_limit = 1000.0
        # the same day, the same event: tomorrow, a new crossing
        self.assertFalse(self.evaluate())
        self.assertEqual(self.evaluate(days=1).rule_code, "utilisation_over")
        self.assertEqual(len(self.alerts("utilisation_over")), 2, "a new crossing")

    def test_utilisation_thresholds_and_switches(self):
        self.invoice(850.0)
        self.setting("utilisation_warning", threshold_pct=90.0)
        self.assertFalse(self.evaluate(), "85 % is under the rule's 90 %")
        self.setting("utilisation_warning", threshold_pct=0.0)
        self.policy.warning_pct = 86.0
        self.assertFalse(self.evaluate(), "nor the policy's 86 %")
        self.policy.warning_pct = 80.0
        self.setting("utilisation_warning", enabled=False)
        self.assertFalse(self.evaluate())
        self.invoice(300.0)
        self.setting("utilisation_over", enabled=False)
        self.assertFalse(self.evaluate())
        self.setting("utilisation_over", enabled=True)
        self.assertEqual(self.evaluate().rule_code, "utilisation_over")

    def test_limit_expiring(self):
        self.customer.with_company(self.company).write(
            {
                "credit_limit_temp": 500.0,
                "credit_limit_temp_end": self.today + timedelta(days=10),
            }
        )
        alert = self.evaluate()
        self.assertEqual((alert.rule_code, alert.severity), ("limit_expiring", "info"))
        self.assertFalse(self.evaluate())
        self.setting("limit_expiring", days=5)
        later = self.customer_with("Later")
        later.with_company(self.company).write(
            {
                "credit_limit_temp": 500.0,
                "credit_limit_temp_end": self.today + timedelta(days=6),
            }
        )
        self.assertFalse(self.evaluate())
        self.assertEqual(self.evaluate(days=1).partner_id, later)

    def score(self, partner, days_ago, grade):
        return (
            self.env["credit.score.history"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "date": self.today - timedelta(days=days_ago),
                    "score": grade.min_score,
                    "grade_id": grade.id,
                    "scorecard_id": self.scorecard.id,
                }
            )
        )

    def test_score_downgrade(self):
        grades = self.scorecard.grade_ids.sorted("min_score", reverse=True)
        best, worst = grades[0], grades[-1]
        self.score(self.customer, 20, best)
        line = self.score(self.customer, 0, worst)
        rising = self.customer_with("Rising")
        self.score(rising, 3, worst)
        self.score(rising, 1, best)
        long_ago = self.customer_with("Long Ago")
        self.score(long_ago, 30, best)
        self.score(long_ago, 20, worst)
        alert = self.evaluate()
        self.assertEqual(alert.rule_code, "score_downgrade")
        self.assertEqual(alert.partner_id, self.customer)
        self.assertIn(f"from {best.code} to {worst.code}", alert.message)
        self.assertEqual((alert.res_model, alert.res_id), (line._name, line.id))
        self.assertEqual(alert.action_open_source()["res_id"], line.id)
        self.assertFalse(self.evaluate())
        self.setting("score_downgrade", days=30)
        self.assertEqual(self.evaluate().partner_id, long_ago)

    def test_rating_drop(self):
        bureau = self.env["credit.rating.agency"].create({"name": "Alert Bureau"})
        other = self.env["credit.rating.agency"].create({"name": "Other Bureau"})

        def rate(agency, days_ago, score):
            return self.env["credit.external.rating"].create(
                {
                    "partner_id": self.customer.id,
                    "agency_id": agency.id,
                    "score": score,
                    "date": self.today - timedelta(days=days_ago),
                }
            )

        rate(bureau, 60, 80.0)
        rate(other, 90, 20.0)
        rate(other, 2, 40.0)
        drop = rate(bureau, 1, 50.0)
        alert = self.evaluate()
        self.assertEqual(alert.rule_code, "rating_drop")
        self.assertEqual(alert.res_id, drop.id)
        self.assertIn("Alert Bureau rates it 50, down from 80", alert.message)
        self.assertFalse(self.evaluate())
        self.setting("rating_drop", enabled=False)
        rate(bureau, 0, 30.0)
        self.assertFalse(self.evaluate())

    def test_evaluation_queries_do_not_grow_with_customers(self):
        def overdue_customers(count):
            for index in range(count):
                customer = self.customer_with(
                    f"Late {count} {index}",
                    credit_limit=1e6,
                    user_id=self.controller.id,
                )
                self.invoice(100.0, partner=customer, days_overdue=5)

        self.evaluate()
        overdue_customers(2)
        before = self.cr.sql_log_count
        self.assertEqual(len(self.evaluate()), 2)
        few = self.cr.sql_log_count - before
        overdue_customers(8)
        before = self.cr.sql_log_count
        self.assertEqual(len(self.evaluate()), 8)
        self.assertLessEqual(self.cr.sql_log_count - before, few)

    # Rights

    def test_acknowledge_and_resolve_rights(self):
        self.customer.user_id = self.salesman
        self.invoice(300.0, days_overdue=10)
        alert = self.evaluate()
        self.assertEqual(alert.user_id, self.salesman)
        self.assertEqual(alert.with_user(self.salesman).partner_id, self.customer)
        for action in ("action_acknowledge", "action_resolve"):
            with self.assertRaises(AccessError):
                getattr(alert.with_user(self.salesman), action)()
            with self.assertRaises(AccessError):
                getattr(alert.with_user(self.credit_user), action)()
        with self.assertRaises(AccessError):
            alert.with_user(self.salesman).write({"state": "resolved"})
        with self.assertRaises(AccessError):
            alert.with_user(self.controller).write({"state": "resolved"})
        with self.assertRaises(AccessError):
            alert.with_user(self.controller).write({"message": "nothing to see"})

        alert.with_user(self.controller).write({"user_id": self.credit_user.id})
        alert.with_user(self.credit_user).action_acknowledge()
        self.assertEqual(alert.state, "acknowledged")
        self.assertEqual(alert.acknowledged_by_id, self.credit_user)
        with self.assertRaises(UserError):
            alert.with_user(self.controller).action_acknowledge()
        alert.with_user(self.controller).action_resolve()
        self.assertEqual(
            (alert.state, alert.resolved_by_id), ("resolved", self.controller)
        )
        with self.assertRaises(UserError):
            alert.with_user(self.controller).action_resolve()

        other = self.customer_with("Not Hers", user_id=False)
        self.invoice(300.0, partner=other, days_overdue=10)
        foreign = self.evaluate()
        with self.assertRaises(AccessError):
            foreign.with_user(self.salesman).read(["message"])

    def test_only_credit_managers_configure_rules(self):
        setting = self.setting("new_overdue")
        for user in (self.controller, self.salesman):
            with self.assertRaises(AccessError):
                setting.with_user(user).write({"threshold_amount": 1.0})
            with self.assertRaises(AccessError):
                self.Rule.with_user(user).search([])
        setting.write({"threshold_amount": 50.0})
        self.assertEqual(setting.threshold_amount, 50.0)

    def test_other_company_is_invisible(self):
        other = self.setup_other_company(name="Alerts Elsewhere")["company"]
        foreign = self.Alert.sudo().create(
            {
                "company_id": other.id,
                "partner_id": self.customer.id,
                "rule_code": "new_overdue",
                "event_key": "elsewhere",
            }
        )
        self.invoice(300.0, days_overdue=10)
        mine = self.evaluate()
        alerts = self.Alert.with_user(self.controller).search([])
        self.assertIn(mine, alerts)
        self.assertNotIn(foreign, alerts)
        with self.assertRaises(AccessError):
            foreign.with_user(self.controller).action_resolve()
        self.assertEqual(foreign.state, "new", "another company's episode goes on")
        self.assertEqual(self.customer.with_user(self.controller).credit_alert_count, 1)
        manager = new_test_user(
            self.env,
            "alert_manager",
            "credit_control.group_credit_manager",
            company_id=self.company.id,
        )
        settings = self.Rule.with_user(manager).search([])
        self.assertEqual(settings.company_id, self.company)

    # The digest

    def digests(self):
        managers = self.company._credit_managers()
        return self.env["mail.mail"].search(
            [("model", "=", "res.users"), ("res_id", "in", managers.ids)]
        )

    def test_digest_queued_for_managers_only_when_new_alerts(self):
        managers = self.company._credit_managers()
        self.assertTrue(managers)
        self.Alert._credit_send_digests()
        self.assertFalse(self.digests(), "nothing new, no email")

        self.invoice(300.0, days_overdue=10)
        self.invoice(850.0, partner=self.customer_with("Near", credit_limit=1000.0))
        self.evaluate()
        self.Alert._credit_send_digests()
        mails = self.digests()
        self.assertEqual(len(mails), len(managers))
        self.assertEqual(mails.recipient_ids, managers.partner_id)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertIn("Credit Customer", mails[0].body_html)
        self.assertIn("Near", mails[0].body_html)
        self.assertIn(self.company.name, mails[0].subject)

        self.Alert._credit_send_digests()
        self.assertEqual(self.digests(), mails, "each alert is sent once")

    def test_cron_evaluates_and_sends(self):
        self.invoice(300.0, days_overdue=10)
        self.Alert._cron_evaluate()
        self.assertEqual(len(self.alerts("new_overdue")), 1)
        self.assertTrue(self.alerts("new_overdue").digest_sent)
        self.assertTrue(self.digests())

    def test_partner_smart_button(self):
        self.invoice(300.0, days_overdue=10)
        self.evaluate()
        self.assertEqual(self.contact.credit_alert_count, 1)
        action = self.contact.action_credit_open_alerts()
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        self.assertEqual(
            self.Alert.search(action["domain"]), self.alerts("new_overdue")
        )
