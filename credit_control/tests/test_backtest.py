from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon

# Six customers scored 200 days ago (version 1) and 199 days ago (version 2), each
# with one invoice falling due 150 days ago, in both windows; two more customers
# scored by version 2 only.  Outcome of each customer:
#   c1 settled by a credit note on the due date        good
#   c2 paid 30 days after the due date                 good (30 is not late)
#   c3 paid 31 days after (invoiced to a contact)      late
#   c4 paid 90 days after                              late (90 is no default)
#   c5 paid 91 days after                              late, default
#   c6 written off 10 days after                       default
#   c7 scored 80 days ago, due 45 days ago, unpaid     late, window not over
#   c8 unpaid since 150 days                           late, default
# (customer, version 1 score and grade, version 2 score and grade)
SCORES = [
    ("c1", 90, "AAA", 85, "AA"),
    ("c2", 70, "A", 55, "BB"),
    ("c3", 80, "AA", 60, "BBB"),
    ("c4", 70, "A", 45, "B"),
    ("c5", 50, "BB", 40, "B"),
    ("c6", 30, "C", 20, "C"),
    ("c8", None, None, 10, "C"),
]


@tagged("post_install", "-at_install")
class TestBacktest(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Backtest = cls.env["credit.backtest"]
        cls.History = cls.env["credit.score.history"].sudo()
        cls.v1 = cls.env["credit.scorecard"]._active_for(cls.env.company)
        cls.v2 = cls.v1.browse(cls.v1.action_new_version()["res_id"])
        cls.customers = {
            name: cls.env["res.partner"].create({"name": name, "is_company": True})
            for name in ("c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8")
        }
        c = cls.customers
        cls.lines = {}
        for name, score_1, grade_1, score_2, grade_2 in SCORES:
            if score_1 is not None:
                cls.lines[name, 1] = cls.score(c[name], 200, cls.v1, score_1, grade_1)
            cls.lines[name, 2] = cls.score(c[name], 199, cls.v2, score_2, grade_2)
        # a second, earlier observation of c1: nothing fell due in its window
        cls.lines["c1", "early"] = cls.score(c["c1"], 300, cls.v2, 85, "AA")
        cls.lines["c7", 2] = cls.score(c["c7"], 80, cls.v2, 20, "C")
        # neither counts: too little data, and a window not over without news
        cls.lines["c2", "insufficient"] = cls.score(
            c["c2"], 250, cls.v1, 10, "C", insufficient=True
        )
        cls.lines["c1", "recent"] = cls.score(c["c1"], 60, cls.v1, 90, "AAA")

        invoices = {
            name: cls.invoice(100.0, partner=c[name], days_overdue=150)
            for name in ("c1", "c2", "c4", "c5", "c6", "c8")
        }
        contact = cls.env["res.partner"].create(
            {"name": "c3 accounts", "parent_id": c["c3"].id, "type": "invoice"}
        )
        invoices["c3"] = cls.invoice(100.0, partner=contact, days_overdue=150)
        cls.invoice(100.0, partner=c["c7"], days_overdue=45)
        refund = cls.invoice(
            100.0, partner=c["c1"], days_overdue=150, move_type="out_refund"
        )
        cls.receivable(invoices["c1"] | refund).reconcile()
        for name, days in (("c2", 30), ("c3", 31), ("c4", 90), ("c5", 91)):
            invoice = invoices[name]
            cls._register_payment(
                invoice, payment_date=invoice.invoice_date_due + timedelta(days)
            )
        write_off = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": invoices["c6"].invoice_date_due + timedelta(10),
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.company_data[
                                "default_account_receivable"
                            ].id,
                            "partner_id": c["c6"].id,
                            "credit": 100.0,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": cls.company_data[
                                "default_account_expense"
                            ].id,
                            "debit": 100.0,
                        }
                    ),
                ],
            }
        )
        write_off.action_post()
        cls.receivable(invoices["c6"] | write_off).reconcile()

    @classmethod
    def score(cls, partner, days_ago, scorecard, score, grade, insufficient=False):
        return cls.History.create(
            {
                "partner_id": partner.id,
                "company_id": scorecard.company_id.id,
                "date": cls.today - timedelta(days_ago),
                "score": score,
                "grade_id": scorecard._grade(grade).id,
                "scorecard_id": scorecard.id,
                "insufficient": insufficient,
            }
        )

    @classmethod
    def receivable(cls, moves):
        return moves.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )

    def outcomes(self, company=None):
        rows = self.Backtest._credit_backtest_observations(
            company or self.env.company, self.today
        )
        return {row[0]: row[5:] for row in rows}

    def run_for(self, scorecard):
        return self.Backtest.search(
            [("scorecard_id", "=", scorecard.id), ("latest", "=", True)]
        )

    def test_outcome_of_each_observation(self):
        outcomes = self.outcomes()
        expected = {
            "c1": (False, False),
            "c2": (False, False),
            "c3": (True, False),
            "c4": (True, False),
            "c5": (True, True),
            "c6": (False, True),
            "c8": (True, True),
        }
        for name, outcome in expected.items():
            self.assertEqual(outcomes[self.lines[name, 2].id], outcome, name)
        self.assertEqual(outcomes[self.lines["c1", "early"].id], (False, False))
        self.assertEqual(outcomes[self.lines["c7", 2].id], (True, False))
        self.assertNotIn(self.lines["c2", "insufficient"].id, outcomes)
        self.assertNotIn(self.lines["c1", "recent"].id, outcomes)
        self.assertEqual(len(outcomes), 6 + 9)

    def test_run_per_version_and_grade(self):
        self.Backtest.action_run()
        first, second = self.run_for(self.v1), self.run_for(self.v2)
        # version 1: the worked six of the unit tests, goods 90 and 70, bads 80, 70,
        # 50 and 30: AUC (4 + 2.5) / 8, KS 0.5 (see tests/unit/test_backtest.py)
        self.assertRecordValues(
            first,
            [
                {
                    "observations": 6,
                    "customers": 6,
                    "late_count": 3,
                    "late_rate": 50.0,
                    "default_count": 2,
                    "default_rate": 33.33,
                    "measurable": True,
                    "auc": 0.8125,
                    "ks": 0.5,
                }
            ],
        )
        # version 2: goods c1 85 (twice) and c2 55; bads c3 60, c4 45, c5 40, c6 20,
        # c7 20, c8 10: 9 observations of 8 customers, 5 late, 3 defaults.  AUC:
        # each 85 beats the 6 bads, 55 beats 5 of them: (6 + 6 + 5) / 18.  KS by
        # score going up, goods of 3, bads of 6: at 45 no good and 5 bads are below
        # or at it: 5/6.
        self.assertRecordValues(
            second,
            [
                {
                    "observations": 9,
                    "customers": 8,
                    "late_count": 5,
                    "late_rate": 55.56,
                    "default_count": 3,
                    "default_rate": 33.33,
                    "auc": round(17 / 18, 4),
                    "ks": round(5 / 6, 4),
                }
            ],
        )
        grades = {
            (line.scorecard_version, line.grade_code): (
                line.observations,
                line.customers,
                line.late_count,
                line.late_rate,
                line.default_count,
                line.default_rate,
            )
            for line in (first | second).line_ids
        }
        self.assertEqual(
            grades,
            {
                (1, "AAA"): (1, 1, 0, 0.0, 0, 0.0),
                (1, "AA"): (1, 1, 1, 100.0, 0, 0.0),
                (1, "A"): (2, 2, 1, 50.0, 0, 0.0),
                (1, "BB"): (1, 1, 1, 100.0, 1, 100.0),
                (1, "C"): (1, 1, 0, 0.0, 1, 100.0),
                (2, "AA"): (2, 1, 0, 0.0, 0, 0.0),
                (2, "BBB"): (1, 1, 1, 100.0, 0, 0.0),
                (2, "BB"): (1, 1, 0, 0.0, 0, 0.0),
                (2, "B"): (2, 2, 2, 100.0, 1, 50.0),
                (2, "C"): (3, 3, 2, 66.67, 2, 66.67),
            },
        )
        by_grade = self.env["credit.backtest.line"].search(
            [("backtest_id", "=", second.id)]
        )
        self.assertEqual(by_grade.mapped("grade_code"), ["AA", "BBB", "BB", "B", "C"])

    def test_run_replaces_todays_runs_and_keeps_older_ones(self):
        self.Backtest.action_run()
        older = self.Backtest.search([])
        older.sudo().write({"date": self.today - timedelta(days=7)})
        self.Backtest.action_run()
        self.Backtest.action_run()
        self.assertEqual(self.Backtest.search_count([]), 4)
        self.assertFalse(any(older.mapped("latest")))
        latest = self.Backtest.search([("latest", "=", True)])
        self.assertEqual(latest.scorecard_id, self.v1 | self.v2)
        self.assertEqual(set(latest.mapped("date")), {self.today})
        self.assertTrue(all(latest.line_ids.mapped("latest")))

    def test_manual_entry_on_a_bank_account_is_a_payment(self):
        customer = self.env["res.partner"].create({"name": "c9", "is_company": True})
        line = self.score(customer, 200, self.v1, 50, "BB")
        invoice = self.invoice(100.0, partner=customer, days_overdue=150)
        bank = self.company_data["default_journal_bank"].default_account_id
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "date": invoice.invoice_date_due,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": self.receivable(invoice).account_id.id,
                            "partner_id": customer.id,
                            "credit": 100.0,
                        }
                    ),
                    Command.create({"account_id": bank.id, "debit": 100.0}),
                ],
            }
        )
        entry.action_post()
        self.receivable(invoice | entry).reconcile()
        self.assertEqual(self.outcomes()[line.id], (False, False))

    def test_add_on_defaults_count(self):
        c2 = self.customers["c2"]
        legal = [f"SELECT id FROM observations WHERE partner_id = {c2.id}"]
        with patch.object(
            type(self.Backtest), "_credit_backtest_defaults_sql", return_value=legal
        ):
            outcomes = self.outcomes()
        self.assertEqual(outcomes[self.lines["c2", 2].id], (False, True))
        self.assertEqual(outcomes[self.lines["c3", 2].id], (True, False))

    def test_other_company_apart(self):
        other = self.setup_other_company(name="Backtest Elsewhere")["company"]
        elsewhere = self.env["credit.scorecard"].sudo()._active_for(other)
        self.score(self.customers["c3"], 200, elsewhere, 50, "BB")
        self.Backtest.action_run()
        self.assertFalse(self.run_for(elsewhere))
        self.Backtest.sudo()._run(other)
        # c3 was late in this company only
        self.assertRecordValues(
            self.Backtest.sudo().search([("company_id", "=", other.id)]),
            [{"scorecard_id": elsewhere.id, "observations": 1, "late_count": 0}],
        )
        reader = new_test_user(
            self.env,
            login="backtest_reader",
            groups="credit_control.group_credit_user",
            company_id=self.env.company.id,
            company_ids=[self.env.company.id],
        )
        runs = self.Backtest.with_user(reader).search([])
        self.assertEqual(runs.scorecard_id, self.v1 | self.v2)
        lines = self.env["credit.backtest.line"].with_user(reader).search([])
        self.assertEqual(lines.scorecard_id, self.v1 | self.v2)

    def test_rights(self):
        self.Backtest.action_run()
        salesman, reader, controller = (
            new_test_user(
                self.env,
                login=f"backtest_{group}",
                groups=f"{module}.group_{group}",
                company_id=self.env.company.id,
            )
            for module, group in (
                ("sales_team", "sale_salesman"),
                ("credit_control", "credit_user"),
                ("credit_control", "credit_controller"),
            )
        )
        for user in (salesman, reader):
            with self.assertRaises(AccessError):
                self.Backtest.with_user(user).action_run()
        with self.assertRaises(AccessError):
            self.Backtest.with_user(salesman).search([])
        runs = self.Backtest.with_user(reader).search([])
        self.assertEqual(len(runs), 2)
        with self.assertRaises(AccessError):
            runs.write({"observations": 1})
        with self.assertRaises(AccessError):
            runs.with_user(controller).unlink()
        action = self.Backtest.with_user(controller).action_run()
        self.assertEqual(action["res_model"], "credit.backtest")
        self.assertEqual(self.Backtest.search_count([]), 2)

    def test_partner_opens_its_score_history_as_a_graph(self):
        action = self.customers["c1"].action_credit_open_scores()
        self.assertEqual(action["views"][0][1], "graph")
        self.assertEqual(
            action["domain"], [("partner_id", "=", self.customers["c1"].id)]
        )
        self.assertEqual(
            self.History.search(action["domain"]),
            self.lines["c1", 1]
            | self.lines["c1", 2]
            | self.lines["c1", "early"]
            | self.lines["c1", "recent"],
        )
