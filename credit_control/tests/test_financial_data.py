from contextlib import contextmanager

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestFinancialData(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Statement = cls.env["credit.financial.statement"]
        cls.Rating = cls.env["credit.external.rating"]
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )
        cls.agency = cls.env["credit.rating.agency"].create(
            {
                "name": "Graded Agency",
                "grade_ids": [
                    fields.Command.create({"code": "AA", "points": 90, "sequence": 1}),
                    fields.Command.create({"code": "B", "points": 40, "sequence": 2}),
                ],
            }
        )
        cls.grade_aa, cls.grade_b = cls.agency.grade_ids
        cls.bureau = cls.env["credit.rating.agency"].create({"name": "Score Bureau"})

    @contextmanager
    def refused(self, pattern):
        """Odoo's assertRaises rolls the refused write back (assertRaisesRegex
        does not)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def months_ago(self, months):
        return fields.Date.subtract(self.today, months=months)

    def statement(self, partner=None, env=None, **values):
        """A balanced statement of the customer for last year, unless told."""
        vals = {
            "partner_id": (partner or self.customer).id,
            "date_end": self.months_ago(3),
            "revenue": 20000.0,
            "net_profit": 1000.0,
            "total_assets": 10000.0,
            "total_liabilities": 6000.0,
            "current_assets": 4000.0,
            "current_liabilities": 2000.0,
            "equity": 4000.0,
            "operating_cash_flow": 1500.0,
            **values,
        }
        return (env or self.env)["credit.financial.statement"].create(vals)

    def rating(self, partner=None, **values):
        return self.Rating.create(
            {
                "partner_id": (partner or self.customer).id,
                "agency_id": self.agency.id,
                "grade_id": self.grade_aa.id,
                "date": self.months_ago(1),
                **values,
            }
        )

    # Ratios and checks

    def test_ratios(self):
        statement = self.statement()
        self.assertAlmostEqual(statement.debt_ratio, 0.6)
        self.assertAlmostEqual(statement.current_ratio, 2.0)
        self.assertAlmostEqual(statement.net_margin, 0.05)
        self.assertAlmostEqual(statement.return_on_assets, 0.1)
        self.assertAlmostEqual(statement.ocf_to_liabilities, 0.25)

    def test_ratios_without_assets(self):
        statement = self.statement(
            total_assets=0.0,
            current_assets=0.0,
            total_liabilities=500.0,
            current_liabilities=0.0,
            equity=-500.0,
            net_profit=-100.0,
        )
        self.assertEqual(statement.debt_ratio, 0.0)
        self.assertEqual(statement.return_on_assets, 0.0)
        self.assertEqual(statement.current_ratio, 0.0)
        self.assertAlmostEqual(statement.net_margin, -0.005)
        features = self.Statement._credit_features(self.env.company, self.customer.ids)
        self.assertEqual(
            set(features[self.customer.id]),
            {"net_margin", "ocf_to_liabilities", "equity", "revenue"},
        )

    def test_ratios_with_negative_equity(self):
        statement = self.statement(
            total_liabilities=15000.0, equity=-5000.0, net_profit=-2000.0
        )
        self.assertAlmostEqual(statement.debt_ratio, 1.5)
        self.assertAlmostEqual(statement.return_on_assets, -0.2)
        self.assertAlmostEqual(statement.ocf_to_liabilities, 0.1)

    def test_balance_sheet_must_balance_within_one_percent(self):
        statement = self.statement(equity=3901.0)  # 0.99 % off
        self.assertEqual(statement.equity, 3901.0)
        with self.refused("does not balance"):
            self.statement(equity=3899.0, date_end=self.months_ago(15))  # 1.01 %
        self.assertEqual(self.Statement.search_count([]), 1)
        with self.assertRaises(ValidationError):
            statement.write({"equity": 3899.0, "revenue": 1.0})
        statement.invalidate_recordset()
        self.assertEqual((statement.equity, statement.revenue), (3901.0, 20000.0))

    def test_negative_assets_refused(self):
        for values in (
            {"total_assets": -100.0, "total_liabilities": 0.0, "equity": -100.0},
            {"current_assets": -1.0},
            {"current_liabilities": -1.0},
        ):
            with self.refused("cannot be negative"):
                self.statement(**values)
        self.assertFalse(self.Statement.search([]))

    def test_one_statement_per_period(self):
        self.statement()
        with self.refused("already has a financial"):
            self.statement(revenue=30000.0)
        self.statement(date_end=self.months_ago(15))
        self.statement(partner=self.other_customer)
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.statement(
            env=self.env(su=True),
            company_id=other.id,
            currency_id=other.currency_id.id,
        )
        self.assertEqual(
            self.Statement.sudo().search_count([("company_id", "=", other.id)]), 1
        )

    def test_contact_refused(self):
        with self.refused("contact of Credit Customer"):
            self.statement(partner=self.contact)
        with self.refused("contact of Credit Customer"):
            self.rating(partner=self.contact)

    # Statement features

    def test_features_converted_to_company_currency(self):
        code = "EUR" if self.currency.name != "EUR" else "CHF"
        foreign = self.setup_other_currency(
            code,
            rates=[
                (self.months_ago(30), 2.0),
                (self.months_ago(6), 4.0),
                (self.months_ago(1), 5.0),
            ],
        )
        self.statement(currency_id=foreign.id, date_end=self.months_ago(3))
        features = self.Statement._credit_features(self.env.company, self.customer.ids)
        values = features[self.customer.id]
        # At the rate of the period end (4 per company currency unit), not today's.
        self.assertAlmostEqual(values["equity"], 1000.0)
        self.assertAlmostEqual(values["revenue"], 5000.0)
        self.assertAlmostEqual(values["debt_ratio"], 0.6)

    def test_latest_statement_wins_and_old_one_is_ignored(self):
        self.statement(
            date_end=self.months_ago(15), equity=3000.0, total_liabilities=7000.0
        )
        self.statement(date_end=self.months_ago(3))
        self.statement(partner=self.other_customer, date_end=self.months_ago(25))
        features = self.Statement._credit_features(
            self.env.company, (self.contact | self.other_customer).ids
        )
        self.assertEqual(list(features), [self.customer.id])
        self.assertEqual(features[self.customer.id]["equity"], 4000.0)
        self.assertAlmostEqual(features[self.customer.id]["debt_ratio"], 0.6)
        self.assertEqual(
            set(self.Statement._credit_features(self.env.company)), {self.customer.id}
        )
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.assertEqual(self.Statement._credit_features(other, self.customer.ids), {})

    def test_features_in_one_query(self):
        for partner in (self.customer, self.other_customer):
            self.statement(partner=partner)
            self.statement(partner=partner, date_end=self.months_ago(15))
        partners = (self.customer | self.other_customer).ids
        # Once to flush what the test left pending, then for real.
        self.Statement._credit_features(self.env.company, partners)
        with self.assertQueryCount(1):
            features = self.Statement._credit_features(self.env.company, partners)
        self.assertEqual(len(features), 2)
        with self.assertQueryCount(1):
            self.Rating._credit_features(self.env.company, partners)

    # Ratings

    def test_rating_points_from_grade_table_and_score(self):
        graded = self.rating(grade_id=self.grade_b.id)
        self.assertEqual(graded.points, 40.0)
        self.grade_b.points = 45.0
        self.assertEqual(graded.points, 45.0)
        scored = self.rating(
            partner=self.other_customer,
            agency_id=self.bureau.id,
            grade_id=False,
            score=72.5,
        )
        self.assertEqual(scored.points, 72.5)
        scored.score = 130.0
        self.assertEqual(scored.points, 100.0)
        features = self.Rating._credit_features(
            self.env.company, (self.customer | self.other_customer).ids
        )
        self.assertEqual(
            features,
            {
                self.customer.id: {"rating_points": 45.0},
                self.other_customer.id: {"rating_points": 100.0},
            },
        )

    def test_rating_checks(self):
        other_agency = self.env["credit.rating.agency"].create(
            {"name": "Other", "grade_ids": [fields.Command.create({"code": "A"})]}
        )
        with self.refused("not a grade of"):
            self.rating(grade_id=other_agency.grade_ids.id)
        with self.refused("Pick one of the grades"):
            self.rating(grade_id=False, score=50.0)
        with self.refused("expire before"):
            self.rating(date_valid=self.months_ago(2))
        with self.refused("0 to 100 points"):
            self.grade_aa.points = 101.0
        self.assertFalse(self.Rating.search([]))

    def test_expired_rating_ignored(self):
        self.rating(grade_id=self.grade_b.id, date=self.months_ago(6))
        self.rating(date_valid=fields.Date.subtract(self.today, days=1))
        self.rating(partner=self.other_customer, date_valid=self.months_ago(0))
        features = self.Rating._credit_features(
            self.env.company, (self.customer | self.other_customer).ids
        )
        self.assertEqual(features[self.customer.id], {"rating_points": 40.0})
        self.assertEqual(features[self.other_customer.id], {"rating_points": 90.0})

    # Rights and the customer's form

    def test_rights(self):
        salesman = new_test_user(
            self.env,
            login="fin_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=self.env.company.id,
        )
        with self.assertRaises(AccessError):
            self.statement(env=self.env(user=salesman))
        reader = new_test_user(
            self.env,
            login="fin_reader",
            groups="credit_control.group_credit_user",
            company_id=self.env.company.id,
        )
        with self.assertRaises(AccessError):
            self.statement(env=self.env(user=reader))
        controller = new_test_user(
            self.env,
            login="fin_controller",
            groups="credit_control.group_credit_controller",
            company_id=self.env.company.id,
        )
        statement = self.statement(env=self.env(user=controller))
        statement.revenue = 25000.0
        self.assertEqual(statement.with_user(reader).revenue, 25000.0)
        with self.assertRaises(AccessError):
            statement.unlink()
        other = self.env["res.company"].create({"name": "Elsewhere"})
        stranger = new_test_user(
            self.env,
            login="fin_stranger",
            groups="credit_control.group_credit_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        self.assertFalse(self.Statement.with_user(stranger).search([]))
        self.rating()
        self.assertFalse(self.Rating.with_user(stranger).search([]))
        self.assertIn(self.agency, self.agency.with_user(stranger).search([]))

    def test_partner_counts_and_actions(self):
        self.statement()
        self.statement(date_end=self.months_ago(15))
        self.rating()
        customer = self.figures()
        self.assertEqual(customer.credit_statement_count, 2)
        self.assertEqual(customer.credit_rating_count, 1)
        self.assertEqual(self.figures(self.contact).credit_statement_count, 2)
        action = self.contact.action_credit_open_statements()
        self.assertEqual(action["res_model"], "credit.financial.statement")
        self.assertEqual(action["domain"], [("partner_id", "=", self.customer.id)])
        action = customer.action_credit_open_ratings()
        self.assertEqual(action["context"], {"default_partner_id": self.customer.id})
