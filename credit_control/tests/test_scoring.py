from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestScoring(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Behaviour = cls.env["credit.payment.behaviour"]
        cls.Scoring = cls.env["credit.scoring"]
        cls.History = cls.env["credit.score.history"]
        cls.scorecard = cls.env["credit.scorecard"]._active_for(cls.env.company)

    def pay(self, invoice, days_after_due, amount=None):
        self._register_payment(
            invoice,
            payment_date=invoice.invoice_date_due + timedelta(days=days_after_due),
            **({"amount": amount} if amount else {}),
        )

    def features(self, partner=None):
        partner = partner or self.customer
        return self.Behaviour._credit_features(self.env.company, partner.ids)[
            partner.id
        ]

    def test_payment_behaviour_on_a_controlled_history(self):
        late = self.invoice(1000.0, days_overdue=40)
        self.pay(late, 10)
        on_time = self.invoice(500.0, days_overdue=20)
        self.pay(on_time, -5)
        self.invoice(500.0, days_overdue=30)  # still open, 30 days late today
        self.invoice(200.0, move_type="out_refund")
        found = self.features()
        self.assertAlmostEqual(found["on_time_share"], 25.0)  # 500 of 2 000
        # (1 000 x 10 + 500 x 30) / (1 000 + 500 + 500 open overdue)
        self.assertAlmostEqual(found["avg_days_late"], 12.5)
        self.assertEqual(found["max_days_late"], 30)
        self.assertEqual(found["overdue_share"], 100.0)  # the credit note is not late
        self.assertEqual(found["sales_12m"], 1800.0)
        self.assertEqual(found["months_trading"], 1)
        self.assertEqual(found["holds_12m"], 0)

    def test_partial_payment_counts_what_was_paid_on_time(self):
        invoice = self.invoice(1000.0, days_overdue=40)
        self.pay(invoice, 0, amount=600.0)
        found = self.features()
        self.assertAlmostEqual(found["on_time_share"], 60.0)
        self.assertAlmostEqual(found["avg_days_late"], 400 * 40 / 1000)

    def test_other_currency_counts_in_company_currency(self):
        other = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self.invoice(1000.0, currency_id=other.id)
        self.assertEqual(self.features()["sales_12m"], 500.0)

    def test_nightly_run_scores_whom_the_providers_have_features_of(self):
        Partner = self.env["res.partner"]
        refunded, paying, stated, rated, stale = Partner.create(
            [
                {"name": name, "is_company": True}
                for name in ("Refunded", "Paying", "Stated", "Rated", "Stale")
            ]
        )
        self.invoice(100.0, partner=self.contact, days_overdue=10)
        self.invoice(50.0, partner=refunded, move_type="out_refund")
        self.unapplied_payment(30.0, partner=paying)
        figures = {"total_assets": 100.0, "total_liabilities": 60.0, "equity": 40.0}
        self.env["credit.financial.statement"].create(
            [
                {"partner_id": stated.id, "date_end": self.today, **figures},
                {  # older than the 24 months the features read
                    "partner_id": stale.id,
                    "date_end": self.today - relativedelta(years=3),
                    **figures,
                },
            ]
        )
        bureau = self.env["credit.rating.agency"].create({"name": "Bureau"})
        self.env["credit.external.rating"].create(
            [
                {"partner_id": rated.id, "agency_id": bureau.id, "score": 70.0},
                {  # no longer valid
                    "partner_id": stale.id,
                    "agency_id": bureau.id,
                    "score": 70.0,
                    "date": self.today - timedelta(days=400),
                    "date_valid": self.today - timedelta(days=35),
                },
            ]
        )
        company = self.env.company
        every = self.Scoring._credit_features(company)
        expected = {self.customer.id, refunded.id, paying.id, stated.id, rated.id}
        self.assertEqual(set(every), expected)
        self.assertEqual(self.Scoring._credit_scored_partners(company), expected)
        # a batch's features are the same as when every customer is asked
        self.assertEqual(
            self.Scoring._credit_features(company, [self.customer.id, paying.id]),
            {key: every[key] for key in (self.customer.id, paying.id)},
        )
        self.Scoring._cron_score()
        lines = self.History.search(
            [("company_id", "=", company.id), ("date", "=", self.today)]
        )
        self.assertEqual(set(lines.partner_id.ids), expected)
        self.assertEqual(
            set(lines.mapped("scorecard_version")), {self.scorecard.version}
        )

    def test_nightly_run_scores_once_a_day_and_finishes_an_interrupted_run(self):
        second = self.env["res.partner"].create({"name": "Second", "is_company": True})
        self.invoice(100.0)
        self.invoice(100.0, partner=second)
        self.Scoring._score_partners(self.customer)  # as if killed after this one
        first_line = self.History.search([("partner_id", "=", self.customer.id)])
        self.Scoring._cron_score()
        lines = self.History.search(
            [("partner_id", "in", (self.customer | second).ids)]
        )
        self.assertEqual(len(lines), 2)
        self.assertIn(first_line, lines)
        self.Scoring._cron_score()
        self.assertEqual(
            self.History.search_count(
                [("partner_id", "in", (self.customer | second).ids)]
            ),
            2,
        )

    def test_score_now_gives_score_grade_limit_and_reasons(self):
        self.invoice(1000.0, days_overdue=60)
        self.customer.action_credit_score_now()
        partner = self.figures()
        self.assertTrue(partner.credit_score_date)
        self.assertTrue(partner.credit_grade_id)
        self.assertIn(partner.credit_grade_id, self.scorecard.grade_ids)
        self.assertIn("points", partner.credit_score_reasons)
        self.assertEqual(
            partner.credit_next_review,
            self.today + relativedelta(months=partner.credit_grade_id.review_months),
        )
        line = self.History.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(line.scorecard_id, self.scorecard)
        self.customer.action_credit_score_now()  # replaces today's score
        self.assertEqual(
            self.History.search_count([("partner_id", "=", self.customer.id)]), 1
        )

    def test_downgrade_asks_a_review_and_acts_as_the_policy_says(self):
        best = self.scorecard.grade_ids.sorted("min_score")[-1]
        self.History.sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.env.company.id,
                "date": self.today - timedelta(days=1),
                "score": 95.0,
                "grade_id": best.id,
                "scorecard_id": self.scorecard.id,
            }
        )
        self.policy.score_downgrade_action = "block"
        for days in (400, 300, 200, 100):
            self.invoice(1000.0, days_overdue=days)
        self.customer.action_credit_score_now()
        line = self.History.search(
            [("partner_id", "=", self.customer.id), ("date", "=", self.today)]
        )
        self.assertLess(line.grade_id.min_score, best.min_score)
        self.assertTrue(self.customer.activity_ids)
        block = self.env["credit.block"].search(
            [("partner_id", "=", self.customer.id), ("origin", "=", "score")]
        )
        self.assertTrue(block)

    def test_salesperson_cannot_score(self):
        salesman = new_test_user(
            self.env, "score_salesman", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self.customer.with_user(salesman).action_credit_score_now()
