from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestLimitHistory(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.History = cls.env["credit.limit.history"]

    def lines(self, partner=None):
        return self.History.search(
            [("partner_id", "=", (partner or self.customer).id)], order="id"
        )

    def test_manager_edit_logs_a_line(self):
        self.customer.credit_limit = 2500.0
        self.assertRecordValues(
            self.lines(),
            [
                {
                    "kind": "limit",
                    "old_amount": 1000.0,
                    "new_amount": 2500.0,
                    "user_id": self.env.user.id,
                    "source": "manual",
                    "company_id": self.env.company.id,
                }
            ],
        )

    def test_same_value_logs_nothing(self):
        self.customer.credit_limit = 1000.0
        self.assertFalse(self.lines())

    def test_reason_from_the_context(self):
        self.customer.with_context(credit_limit_reason="Bigger orders").write(
            {"credit_limit": 1500.0}
        )
        self.assertRecordValues(
            self.lines(), [{"new_amount": 1500.0, "reason": "Bigger orders"}]
        )
        self.assertFalse(self.lines(self.contact))

    def test_mass_update_logs(self):
        wizard = (
            self.env["credit.limit.update"]
            .with_context(active_model="res.partner", active_ids=self.customer.ids)
            .create({"update_limit": True, "credit_limit": 3000.0, "note": "Review"})
        )
        wizard.action_apply()
        self.assertRecordValues(
            self.lines(),
            [{"kind": "limit", "old_amount": 1000.0, "new_amount": 3000.0}],
        )
        self.assertEqual(self.lines().source, "manual")

    def test_temporary_limit_logs(self):
        end = self.today + timedelta(days=10)
        self.customer.write({"credit_limit_temp": 500.0, "credit_limit_temp_end": end})
        self.assertRecordValues(
            self.lines(),
            [
                {
                    "kind": "temporary",
                    "old_amount": 0.0,
                    "new_amount": 500.0,
                    "date_end": end,
                    "source": "manual",
                }
            ],
        )

    def test_cron_takes_off_ended_temporary_limits(self):
        self.customer.write(
            {"credit_limit_temp": 500.0, "credit_limit_temp_end": self.today}
        )
        past = self.today - timedelta(days=2)
        # A limit cannot be set to end in the past: make it end there behind the ORM.
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE res_partner
                  SET credit_limit_temp_end = jsonb_build_object(%s, %s::text)
                WHERE id = %s""",
            [str(self.env.company.id), past.isoformat(), self.customer.id],
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit_temp_end, past)
        self.env["res.partner"]._cron_credit_expire_temporary_limits()
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.credit_limit_temp)
        self.assertFalse(self.customer.credit_limit_temp_end)
        expiry = self.lines().filtered(lambda line: line.source == "expiry")
        self.assertRecordValues(
            expiry,
            [
                {
                    "kind": "temporary",
                    "old_amount": 500.0,
                    "new_amount": 0.0,
                    "date_end": past,
                }
            ],
        )

    def test_scoring_downgrade_logs(self):
        scorecard = self.env["credit.scorecard"]._active_for(self.env.company)
        best = scorecard.grade_ids.sorted("min_score")[-1]
        self.env["credit.score.history"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.env.company.id,
                "date": self.today - timedelta(days=1),
                "score": 95.0,
                "grade_id": best.id,
                "scorecard_id": scorecard.id,
            }
        )
        self.customer.credit_limit = 100000.0
        self.policy.score_downgrade_action = "lower_limit"
        for days in (400, 300, 200, 100):
            self.invoice(1000.0, days_overdue=days)
        self.customer.action_credit_score_now()
        scoring = self.lines().filtered(lambda line: line.source == "scoring")
        self.assertEqual(len(scoring), 1)
        self.assertEqual(scoring.old_amount, 100000.0)
        self.assertEqual(scoring.new_amount, self.customer.credit_limit)
        self.assertLess(scoring.new_amount, 100000.0)
        self.assertTrue(scoring.reason)

    def test_salesman_cannot_create_lines(self):
        salesman = new_test_user(
            self.env, "limit_history_salesman", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self.History.with_user(salesman).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.env.company.id,
                    "new_amount": 5.0,
                }
            )
