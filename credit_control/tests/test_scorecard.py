from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.credit_control.lib import scoring

from .common import CreditTestCase


@tagged("post_install", "-at_install")
class TestScorecard(CreditTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Scorecard = cls.env["credit.scorecard"]
        cls.standard = cls.Scorecard._active_for(cls.env.company)

    def draft(self, **values):
        """A small draft scorecard: on-time payments (60) and trading months (40)."""
        return self.Scorecard.create(
            {
                "name": "Small",
                "factor_ids": [
                    Command.create(
                        {
                            "feature": "on_time_share",
                            "weight": 60,
                            "band_ids": [
                                Command.create(
                                    {"no_low": True, "high": 80, "points": 20}
                                ),
                                Command.create(
                                    {"low": 80, "no_high": True, "points": 60}
                                ),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "feature": "months_trading",
                            "weight": 40,
                            "custom_neutral": True,
                            "neutral": 10,
                            "band_ids": [
                                Command.create({"low": 0, "high": 12, "points": 0}),
                                Command.create(
                                    {"low": 12, "no_high": True, "points": 40}
                                ),
                            ],
                        }
                    ),
                ],
                "grade_ids": [
                    Command.create({"code": "A", "min_score": 70, "max_limit": 5000}),
                    Command.create({"code": "B", "min_score": 0, "max_limit": 1000}),
                ],
                **values,
            }
        )

    # The default scorecard

    def test_default_scorecard_active_per_company(self):
        standard = self.standard
        self.assertTrue(standard)
        self.assertEqual(standard.name, "Standard Scorecard")
        self.assertEqual((standard.state, standard.version), ("active", 1))
        self.assertEqual(standard.total_weight, 100)
        self.assertEqual(len(standard.factor_ids), 9)
        self.assertTrue(all(standard.factor_ids.mapped("band_ids")))
        for factor in standard.factor_ids:
            weight = max(factor.band_ids.mapped("points"))
            self.assertEqual(weight, factor.weight, factor.feature)
        self.assertEqual(
            standard.grade_ids.mapped("code"),
            ["AAA", "AA", "A", "BBB", "BB", "B", "C"],
        )
        self.assertEqual(standard._grade("A").review_months, 12)
        self.assertEqual(standard._grade("BB").review_months, 6)
        self.assertEqual(standard._grade("C").review_months, 3)

        other = self.setup_other_company(name="Later Company")["company"]
        later = self.Scorecard._active_for(other)
        self.assertTrue(later)
        self.assertNotEqual(later, standard)
        self.assertEqual(later.company_id, other)
        self.assertEqual(len(later.grade_ids), 7)

        # idempotent: an upgrade gives nobody a second one
        count = self.Scorecard.search_count([])
        self.Scorecard._credit_ensure_default_scorecards()
        self.assertEqual(self.Scorecard.search_count([]), count)

    # A scorecard in use is never edited

    def test_active_scorecard_is_never_edited(self):
        standard = self.standard
        factor = standard.factor_ids[0]
        band = factor.band_ids[0]
        grade = standard.grade_ids[0]
        attempts = [
            lambda: standard.write({"name": "Changed"}),
            lambda: standard.write({"min_data_pct": 50}),
            lambda: factor.write({"weight": 30}),
            lambda: band.write({"points": 1}),
            lambda: grade.write({"max_limit": 1}),
            lambda: factor.band_ids.create(
                {"factor_id": factor.id, "low": 500, "no_high": True, "points": 0}
            ),
            lambda: grade.create(
                {"scorecard_id": standard.id, "code": "D", "min_score": 1}
            ),
            lambda: self.env["credit.scorecard.factor"].create(
                {"scorecard_id": standard.id, "feature": "dso", "weight": 5}
            ),
            band.unlink,
            grade.unlink,
            factor.unlink,
            standard.unlink,
            lambda: standard.write({"state": "draft"}),
        ]
        for attempt in attempts:
            with self.assertRaises(UserError) as caught:
                attempt()
            self.assertIn("version", str(caught.exception))
        self.assertEqual(standard.name, "Standard Scorecard")
        self.assertEqual(standard.state, "active")
        self.assertEqual(len(standard.factor_ids), 9)
        # its tracking still works
        standard.message_post(body="Reviewed by the board.")

    def test_new_version_copies_and_replaces(self):
        standard = self.standard
        terms = self.env.ref("account.account_payment_term_30days")
        self.assertEqual(terms.company_id, self.env["res.company"])
        action = standard.action_new_version()
        v2 = self.Scorecard.browse(action["res_id"])
        self.env.invalidate_all()  # relations in the database's order
        self.assertEqual(
            (v2.state, v2.version, v2.previous_id, v2.name),
            ("draft", 2, standard, "Standard Scorecard"),
        )
        self.assertEqual(v2.company_id, standard.company_id)
        self.assertEqual(
            v2.factor_ids.mapped("feature"), standard.factor_ids.mapped("feature")
        )
        self.assertEqual(
            v2.factor_ids.band_ids.mapped("display_name"),
            standard.factor_ids.band_ids.mapped("display_name"),
        )
        self.assertFalse(v2.factor_ids & standard.factor_ids)
        self.assertEqual(v2.grade_ids.mapped("code"), standard.grade_ids.mapped("code"))
        self.assertEqual(v2._scoring_factors(), standard._scoring_factors())
        self.assertEqual(v2._scoring_grades(), standard._scoring_grades())

        # a draft is edited
        v2.write({"name": "Stricter", "min_data_pct": 70})
        factor = v2.factor_ids.filtered(lambda f: f.feature == "on_time_share")
        factor.band_ids.filtered(lambda b: b.no_high).points = 18
        v2._grade("A").write({"max_limit": 200_000, "payment_term_ids": terms.ids})
        self.assertEqual(standard._grade("A").max_limit, 250_000)

        v2.action_activate()
        self.assertEqual((standard.state, v2.state), ("archived", "active"))
        self.assertEqual(self.Scorecard._active_for(self.env.company), v2)
        with self.assertRaises(UserError):
            v2.action_activate()
        with self.assertRaises(UserError):
            standard.write({"state": "active"})

        # versions of the lineage follow each other, whichever they come from
        v3 = self.Scorecard.browse(standard.action_new_version()["res_id"])
        self.assertEqual((v3.version, v3.previous_id), (3, standard))
        v4 = self.Scorecard.browse(v2.action_new_version()["res_id"])
        self.assertEqual(v4.version, 4)
        self.assertEqual(v4._grade("A").payment_term_ids, terms)
        with self.assertRaises(UserError):
            v4.action_new_version()  # a draft is edited directly
        # an archived scorecard is kept as it was, but can go once replaced
        with self.assertRaises(UserError):
            standard._grade("A").max_limit = 1
        v3.unlink()
        v4.unlink()

    def test_one_active_scorecard_per_company(self):
        standard = self.standard
        draft = self.draft()
        with self.assertRaises(ValidationError):
            draft.write({"state": "active"})
        with self.assertRaises(UserError):
            self.Scorecard.create({"name": "Empty"}).action_activate()
        with self.assertRaises(UserError):
            (draft | self.draft(name="Second")).action_activate()
        created_active = self.draft(name="At once", state="active")
        self.assertEqual(created_active.state, "active")
        self.assertEqual(standard.state, "archived")
        self.assertEqual(
            self.Scorecard.search_count(
                [("company_id", "=", self.env.company.id), ("state", "=", "active")]
            ),
            1,
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                "UPDATE credit_scorecard SET state = 'active' WHERE id = %s",
                [draft.id],
            )

    # What the scoring engine reads

    def test_scoring_objects_and_evaluation(self):
        draft = self.draft()
        factors = draft._scoring_factors()
        self.assertEqual(
            factors,
            (
                scoring.Factor(
                    code="on_time_share",
                    weight=60.0,
                    bands=(
                        scoring.Band(None, 80.0, 20.0),
                        scoring.Band(80.0, None, 60.0),
                    ),
                    neutral=None,
                ),
                scoring.Factor(
                    code="months_trading",
                    weight=40.0,
                    bands=(
                        scoring.Band(0.0, 12.0, 0.0),
                        scoring.Band(12.0, None, 40.0),
                    ),
                    neutral=10.0,
                ),
            ),
        )
        grades = draft._scoring_grades()
        self.assertEqual(grades, (scoring.Grade("A", 70.0), scoring.Grade("B", 0.0)))
        result = scoring.evaluate(
            factors, {"on_time_share": 90, "months_trading": None}, grades, 60
        )
        # 60 + neutral 10 out of 100, 60 % of the weight on data
        self.assertEqual(result.score, 70.0)
        self.assertEqual(result.grade.code, "A")
        self.assertFalse(result.insufficient)
        result = scoring.evaluate(factors, {"months_trading": 24}, grades, 60)
        self.assertEqual(result.score, 70.0)  # 30 neutral + 40
        self.assertTrue(result.insufficient)

        standard = self.standard
        features = {
            "on_time_share": 90,  # 15
            "avg_days_late": 10,  # 10
            "max_days_late": 20,  # 8
            "overdue_share": 5,  # 10
            "months_trading": 30,  # 10
            "sales_trend": 5,  # 5
            "debt_ratio": 0.5,  # 7
            "current_ratio": 1.2,  # 6
            # rating_points missing: neutral 5
        }
        result = scoring.evaluate(
            standard._scoring_factors(),
            features,
            standard._scoring_grades(),
            standard.min_data_pct,
        )
        self.assertEqual(result.score, 76.0)
        self.assertEqual(result.grade, scoring.Grade("A", 70.0))
        self.assertFalse(result.insufficient)
        self.assertAlmostEqual(result.missing_weight_pct, 10.0)
        self.assertEqual(standard._grade(result.grade.code), standard._grade("A"))

    def test_edit_in_the_forms(self):
        with Form(self.Scorecard) as form:
            form.name = "Built in the form"
            with form.factor_ids.new() as line:
                line.feature = "dso"
                line.weight = 30
            with form.grade_ids.new() as line:
                line.code = "OK"
                line.min_score = 0
                line.max_limit = 100
        scorecard = form.record
        factor = scorecard.factor_ids
        action = factor.action_edit_bands()
        self.assertEqual((action["res_id"], action["target"]), (factor.id, "new"))
        with Form(factor, view=action["views"][0][0]) as form:
            with form.band_ids.new() as line:
                line.no_low = True
                line.high = 45
                line.points = 30
            with form.band_ids.new() as line:
                line.low = 45
                line.no_high = True
                line.points = 5
        self.assertEqual(
            factor._scoring_factor().bands,
            (scoring.Band(None, 45.0, 30.0), scoring.Band(45.0, None, 5.0)),
        )
        scorecard.action_activate()
        self.assertEqual(self.standard.state, "archived")
        form = Form(factor, view=action["views"][0][0])
        with self.assertRaisesRegex(AssertionError, "readonly"):
            form.weight = 40

    # Constraints

    def test_band_and_factor_constraints(self):
        draft = self.draft()
        factor = draft.factor_ids[0]
        Band = self.env["credit.scorecard.band"]
        with self.assertRaises(ValidationError):
            Band.create({"factor_id": factor.id, "low": 0, "high": 10, "points": 61})
        with self.assertRaises(ValidationError):
            Band.create({"factor_id": factor.id, "low": 0, "high": 10, "points": -1})
        with self.assertRaises(ValidationError):
            factor.weight = 50  # a band gives 60
        with self.assertRaises(ValidationError):
            factor.write({"custom_neutral": True, "neutral": 70})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Band.create({"factor_id": factor.id, "low": 10, "high": 10, "points": 0})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            Band.create({"factor_id": factor.id, "low": 10, "high": 5, "points": 0})
        # unbounded on a side: the other bound does not matter
        band = Band.create(
            {"factor_id": factor.id, "low": 10, "high": 5, "no_high": True, "points": 0}
        )
        self.assertEqual(band._scoring_band(), scoring.Band(10.0, None, 0.0))
        unbanded = self.env["credit.scorecard.factor"].create(
            {"scorecard_id": draft.id, "feature": "dso", "weight": 5}
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            unbanded.weight = 0
            unbanded.flush_recordset()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["credit.scorecard.factor"].create(
                {"scorecard_id": draft.id, "feature": "on_time_share", "weight": 5}
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            draft.grade_ids.create(
                {"scorecard_id": draft.id, "code": "A", "min_score": 50}
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            draft.grade_ids.create(
                {"scorecard_id": draft.id, "code": "AA", "min_score": 70}
            )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            draft.grade_ids.create(
                {"scorecard_id": draft.id, "code": "X", "min_score": 101}
            )
        with self.assertRaises(ValidationError):
            draft.min_data_pct = 120
        other = self.setup_other_company(name="Elsewhere")["company"]
        foreign = self.env["credit.policy"].create(
            {"name": "Elsewhere policy", "company_id": other.id}
        )
        with self.assertRaises(UserError):
            draft.grade_ids[0].credit_policy_id = foreign
        draft.grade_ids[0].credit_policy_id = self.env.company.credit_policy_id
        with self.assertRaises(UserError):
            draft.company_id = other

    def test_grade_proposed_limit(self):
        grade_a = self.standard._grade("A")
        self.assertEqual(grade_a._proposed_limit(), 250_000)
        self.assertEqual(
            grade_a._proposed_limit(
                equity=1_000_000, revenue=10_000_000, monthly_sales=50_000
            ),
            100_000,  # 10 % of the equity
        )
        self.assertEqual(
            grade_a._proposed_limit(revenue=2_000_000, monthly_sales=50_000),
            100_000,  # 5 % of the revenue
        )
        self.assertEqual(grade_a._proposed_limit(monthly_sales=20_000), 60_000)
        self.assertEqual(grade_a._proposed_limit(equity=-500_000), 0)
        self.assertEqual(self.standard._grade("C")._proposed_limit(equity=1e6), 0)
        uncapped = self.draft().grade_ids[0]
        uncapped.write({"max_limit": 0, "sales_months": 2})
        self.assertEqual(uncapped._proposed_limit(monthly_sales=1e6), 2e6)
        self.assertEqual(uncapped._proposed_limit(), 0)

    # Rights

    def test_rights(self):
        reader = new_test_user(
            self.env,
            login="scorecard_reader",
            groups="credit_control.group_credit_user",
            company_id=self.env.company.id,
        )
        as_reader = self.Scorecard.with_user(reader)
        standard = as_reader._active_for(self.env.company)
        self.assertEqual(standard, self.standard)
        self.assertEqual(len(standard._scoring_factors()), 9)
        draft = self.draft().with_user(reader)
        with self.assertRaises(AccessError):
            draft.action_activate()
        with self.assertRaises(AccessError):
            draft.write({"name": "Mine"})
        with self.assertRaises(AccessError):
            draft.factor_ids[0].write({"weight": 1})
        with self.assertRaises(AccessError):
            standard.action_new_version()
        with self.assertRaises(AccessError):
            as_reader.create({"name": "Mine"})
        self.assertEqual(self.standard.state, "active")

        other = self.setup_other_company(name="Abroad")["company"]
        foreign_manager = new_test_user(
            self.env,
            login="scorecard_foreign_manager",
            groups="credit_control.group_credit_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        visible = self.Scorecard.with_user(foreign_manager).search([])
        self.assertEqual(visible.company_id, other)
        self.assertFalse(
            self.env["credit.grade"]
            .with_user(foreign_manager)
            .search([("scorecard_id", "=", self.standard.id)])
        )
