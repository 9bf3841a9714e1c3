from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.sql_db import Cursor
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import CreditCommon

AS_OF = date(2025, 6, 30)
# The DSO period: the 90 days up to AS_OF.
PERIOD = (AS_OF - timedelta(89), AS_OF)


def day(offset):
    return AS_OF + timedelta(offset)


@tagged("post_install", "-at_install")
class TestAgeing(CreditCommon):
    """Customer A, as of AS_OF, in the default buckets (days past due):

    ====================================  ======  ======  =====  =====  =====  ====
    item (due on AS_OF + days)            not due  1-30   31-60  61-90  91-180 >180
    ====================================  ======  ======  =====  =====  =====  ====
    1000 due +10, 300 paid on -5, 200 on     700
    +5 (after AS_OF: still owed)
    1 due 0                                    1
    2 due -1                                           2
    4 due -30, invoiced to a contact                   4
    unapplied payment of 50 on -3                    -50
    8 due -31                                                   8
    credit note of 40 on -40                                  -40
    128 due -60, paid on +3 (after AS_OF)                     128
    64 due -75                                                        64
    16 due -180                                                              16
    32 due -181                                                                   32
    500 due -50 paid on -2, 99 paid on +1,
    256 invoiced on +2: nothing
    total 865                                701     -44     96     64     16   32
    ====================================  ======  ======  =====  =====  =====  ====

    Customer B, in a currency worth half the company's: 200 due -100 (100 in
    91-180), 60 invoiced on -10 due +20 (30 not due).  Customer C: 50 invoiced on -5,
    paid on -1.  Customer D: 10 due -200 (over 180).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ageing = cls.env["credit.ageing"]
        cls.Dso = cls.env["credit.dso"]
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="ageing_salesman",
            groups="sales_team.group_sale_salesman",
        )
        a, b, c, d = (
            cls.env["res.partner"].create(
                {"name": f"Customer {name}", "is_company": True, "user_id": False}
            )
            for name in "ABCD"
        )
        a.user_id = cls.salesman
        cls.a, cls.b, cls.c, cls.d = a, b, c, d
        a_contact = cls.env["res.partner"].create(
            {"name": "A accounts", "parent_id": a.id, "type": "invoice"}
        )
        partial = cls.sell(a, 1000.0, day(-20), day(10))
        cls.pay(partial, 300.0, day(-5))
        cls.pay(partial, 200.0, day(5))
        cls.sell(a, 1.0, day(0))
        cls.sell(a, 2.0, day(-1))
        cls.sell(a_contact, 4.0, day(-30))
        cls.sell(a, 8.0, day(-31))
        cls.sell(a, 64.0, day(-75))
        cls.sell(a, 16.0, day(-180))
        cls.sell(a, 32.0, day(-181))
        cls.pay(cls.sell(a, 500.0, day(-50)), 500.0, day(-2))
        cls.pay(cls.sell(a, 128.0, day(-60)), 128.0, day(3))
        cls.sell(a, 256.0, day(2))
        cls.sell(a, 40.0, day(-40), move_type="out_refund")
        cls.pay(a, 50.0, day(-3))
        cls.pay(a, 99.0, day(1))
        cls.eur = cls.setup_other_currency(
            "EUR", rates=[("2000-01-01", 2.0), (str(day(1)), 4.0)]
        )
        cls.sell(b, 200.0, day(-100), currency=cls.eur)
        cls.sell(b, 60.0, day(-10), day(20), currency=cls.eur)
        cls.pay(cls.sell(c, 50.0, day(-5)), 50.0, day(-1))
        cls.sell(d, 10.0, day(-200))
        scorecard = cls.env["credit.scorecard"]._active_for(cls.company)
        cls.grade_before, cls.grade_after = (
            scorecard._grade("BB"),
            scorecard._grade("C"),
        )
        for offset, grade in ((-30, cls.grade_before), (1, cls.grade_after)):
            cls.env["credit.score.history"].sudo().create(
                {
                    "partner_id": a.id,
                    "company_id": cls.company.id,
                    "date": day(offset),
                    "score": 50,
                    "grade_id": grade.id,
                    "scorecard_id": scorecard.id,
                }
            )

    @classmethod
    def sell(cls, partner, amount, on, due=None, move_type="out_invoice", **values):
        """A posted invoice (or credit note) dated ``on``, due on ``due`` (``on``)."""
        currency = values.pop("currency", None)
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=[],
            partner_id=partner.id,
            move_type=move_type,
            invoice_date=on,
            invoice_date_due=due or on,
            currency_id=currency and currency.id,
            post=True,
            **values,
        )

    @classmethod
    def pay(cls, invoice_or_partner, amount, on):
        """A payment of ``amount`` on ``on``, applied to the invoice if one is
        given, else left unapplied."""
        partner = invoice_or_partner.commercial_partner_id
        payment = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": on,
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.company_data[
                                "default_account_receivable"
                            ].id,
                            "partner_id": partner.id,
                            "credit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": cls.company_data["default_account_assets"].id,
                            "debit": amount,
                        }
                    ),
                ],
            }
        )
        payment.action_post()
        if invoice_or_partner._name == "account.move":
            (invoice_or_partner | payment).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        return payment

    def aged(self, company=None, as_of=AS_OF):
        company = company or self.company
        self.Ageing._refresh(company, as_of)
        rows = self.Ageing.search([("company_id", "=", company.id)])
        table = {}
        for row in rows:
            table.setdefault(row.partner_id, {})[row.bucket_id.display_name] = (
                row.amount
            )
        return rows, table

    def test_buckets_as_of_a_date(self):
        rows, table = self.aged()
        self.assertEqual(
            table[self.a],
            {
                "Not Due": 701.0,
                "1-30": -44.0,
                "31-60": 96.0,
                "61-90": 64.0,
                "91-180": 16.0,
                "Over 180": 32.0,
            },
        )
        # in company currency at the invoices' rate, not at today's
        self.assertEqual(table[self.b], {"Not Due": 30.0, "91-180": 100.0})
        self.assertEqual(table[self.d], {"Over 180": 10.0})
        self.assertNotIn(self.c, table)
        self.assertEqual(sum(rows.mapped("amount")), 865.0 + 130.0 + 10.0)
        self.assertEqual(set(rows.mapped("as_of")), {AS_OF})
        a_rows = rows.filtered(lambda row: row.partner_id == self.a)
        self.assertEqual(a_rows.mapped("bucket_index"), [0, 1, 2, 3, 4, 5])
        self.assertEqual(a_rows.user_id, self.salesman)
        self.assertEqual(a_rows.grade_id, self.grade_before)
        self.assertFalse(rows.filtered(lambda row: row.partner_id == self.b).grade_id)
        self.assertFalse((rows - a_rows).user_id)

    def test_later_date_counts_later_payments_and_grade(self):
        _rows, table = self.aged(as_of=day(5))
        # 200 more paid on +5; 128 paid on +3; five days on, 1 (5 days), 2 (6),
        # the 50 paid on -3 (8), the 99 paid on +1 (4) and 256 invoiced on +2 (3)
        # are 1-30 days past due, 4 (35), 8 (36) and the credit note (45) 31-60.
        self.assertEqual(table[self.a]["Not Due"], 500.0)
        self.assertEqual(table[self.a]["1-30"], 1.0 + 2.0 - 50.0 - 99.0 + 256.0)
        self.assertEqual(table[self.a]["31-60"], 4.0 + 8.0 - 40.0)
        self.assertEqual(table[self.a]["61-90"], 64.0)
        rows = self.Ageing.search([("partner_id", "=", self.a.id)])
        self.assertEqual(rows.grade_id, self.grade_after)

    def test_pivot_columns_in_bucket_order(self):
        self.aged()
        groups = self.Ageing.formatted_read_group(
            [("company_id", "=", self.company.id)], ["bucket_id"], ["amount:sum"]
        )
        self.assertEqual(
            [group["bucket_id"][1] for group in groups],
            ["Not Due", "1-30", "31-60", "61-90", "91-180", "Over 180"],
        )
        self.assertEqual(
            [group["amount:sum"] for group in groups],
            [731.0, -44.0, 96.0, 64.0, 116.0, 42.0],
        )

    def test_custom_buckets(self):
        for wrong in ("30, 30", "0, 30", "thirty", "", "60, 30"):
            with self.assertRaises(ValidationError):
                self.company.credit_ageing_buckets = wrong
        settings = Form(self.env["res.config.settings"])
        self.assertEqual(settings.credit_ageing_buckets, "30, 60, 90, 180")
        settings.credit_ageing_buckets = "15; 45"
        settings.save().execute()
        _rows, table = self.aged()
        self.assertEqual(
            table[self.a],
            {"Not Due": 701.0, "1-15": -48.0, "16-45": -28.0, "Over 45": 240.0},
        )
        buckets = self.env["credit.ageing.bucket"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertRecordValues(
            buckets,
            [
                {"sequence": 0, "days_from": 0, "days_to": 0},
                {"sequence": 1, "days_from": 1, "days_to": 15},
                {"sequence": 2, "days_from": 16, "days_to": 45},
                {"sequence": 3, "days_from": 46, "days_to": 0},
            ],
        )

    def test_other_company_apart(self):
        other = self.setup_other_company(name="Ageing Elsewhere")["company"]
        self._create_invoice_one_line(
            price_unit=777.0,
            tax_ids=[],
            partner_id=self.a.id,
            company_id=other.id,
            journal_id=self.env["account.journal"]
            .search([("company_id", "=", other.id), ("type", "=", "sale")], limit=1)
            .id,
            invoice_date=day(-10),
            invoice_date_due=day(-10),
            post=True,
        )
        rows, _table = self.aged()
        _other_rows, other_table = self.aged(company=other)
        self.assertEqual(other_table, {self.a: {"1-30": 777.0}})
        self.assertTrue(rows.exists())
        self.assertEqual(sum(rows.mapped("amount")), 1005.0)
        self.Dso._refresh(other, *PERIOD)
        self.assertEqual(
            self.Dso.search([("company_id", "=", other.id), ("is_total", "=", True)])[
                "sales"
            ],
            777.0,
        )

    def test_dso(self):
        self.d.name = 'Customer "D" \\ 客户'
        self.Dso._refresh(self.company, *PERIOD)
        rows = self.Dso.search([("company_id", "=", self.company.id)])
        by_partner = {row.partner_id: row for row in rows if not row.is_total}
        self.assertEqual(set(by_partner), {self.a, self.b, self.c, self.d})
        # A: receivable 865 at AS_OF; sales in the 90 days 1000 + 1 + 2 + 4 + 8
        # + 64 + 500 + 128 - 40 = 1667 (16 and 32 were invoiced before the
        # period, 256 after it): 865 / 1667 x 90 = 46.70 days
        self.assertRecordValues(
            by_partner[self.a],
            [{"receivable": 865.0, "sales": 1667.0, "days": 90}],
        )
        self.assertAlmostEqual(by_partner[self.a].dso, 865 / 1667 * 90)
        # B: 130 owed, 30 sold in the period: 130 / 30 x 90 = 390 days
        self.assertAlmostEqual(by_partner[self.b].dso, 390.0)
        # C: 50 sold and paid: 0 days; D: nothing sold, no DSO
        self.assertEqual(by_partner[self.c].dso, 0.0)
        self.assertEqual(by_partner[self.c].sales, 50.0)
        self.assertFalse(by_partner[self.d].dso)
        self.assertEqual(by_partner[self.d].receivable, 10.0)
        self.assertEqual(by_partner[self.d].name, 'Customer "D" \\ 客户')
        # company: (865 + 130 + 0 + 10) / (1667 + 30 + 50) x 90 = 51.77 days,
        # not the average of its customers'
        total = rows.filtered("is_total")
        self.assertRecordValues(
            total,
            [{"receivable": 1005.0, "sales": 1747.0, "name": self.company.name}],
        )
        self.assertAlmostEqual(total.dso, 1005 / 1747 * 90)
        self.assertEqual(rows[0], total)

    def test_refresh_is_one_insert_whatever_the_customers(self):
        self.aged()

        def queries_of_refresh():
            queries = []
            execute = Cursor.execute

            def spy(cr, query, params=None, log_exceptions=None):
                queries.append(query.code if isinstance(query, SQL) else query)
                return execute(cr, query, params, log_exceptions)

            self.env.flush_all()
            with patch.object(Cursor, "execute", spy):
                self.Ageing._refresh(self.company, AS_OF)
            return queries

        few = queries_of_refresh()
        for index in range(5):
            customer = self.env["res.partner"].create({"name": f"More {index}"})
            self.sell(customer, 10.0 + index, day(-index * 40))
        many = queries_of_refresh()
        self.assertEqual(len(few), len(many))
        inserts = [q for q in many if "INSERT INTO credit_ageing " in q]
        self.assertEqual(len(inserts), 1)
        self.assertEqual(len([q for q in many if "DELETE FROM credit_ageing" in q]), 1)
        self.assertEqual(
            self.Ageing.search_count([("partner_id.name", "=like", "More%")]), 5
        )

    def test_rights(self):
        salesman, reader, controller = (
            new_test_user(
                self.env,
                login=f"ageing_{group}",
                groups=f"{module}.group_{group}",
                company_id=self.company.id,
            )
            for module, group in (
                ("sales_team", "sale_salesman"),
                ("credit_control", "credit_user"),
                ("credit_control", "credit_controller"),
            )
        )
        for user in (salesman, reader):
            with self.assertRaises(AccessError):
                self.env["credit.ageing.wizard"].with_user(user).create(
                    {"as_of": AS_OF}
                ).action_open()
            with self.assertRaises(AccessError):
                self.env["credit.dso.wizard"].with_user(user).create(
                    {"date_from": PERIOD[0], "date_to": PERIOD[1]}
                ).action_open()
        # a Credit Controller runs them, for his company only
        wizard = self.env["credit.ageing.wizard"].with_user(controller)
        action = wizard.create({"as_of": AS_OF}).action_open()
        self.assertEqual(action["res_model"], "credit.ageing")
        self.assertEqual(action["views"][0][1], "pivot")
        other = self.setup_other_company(name="Not His")["company"]
        with self.assertRaises(AccessError):
            wizard.create({"as_of": AS_OF, "company_id": other.id}).action_open()
        action = (
            self.env["credit.dso.wizard"]
            .with_user(controller)
            .create({"date_from": PERIOD[0], "date_to": PERIOD[1]})
            .action_open()
        )
        self.assertEqual(action["res_model"], "credit.dso")
        with self.assertRaises(ValidationError):
            self.env["credit.dso.wizard"].with_user(controller).create(
                {"date_from": PERIOD[1], "date_to": PERIOD[0]}
            )
        # Credit Users read the results; salespeople do not
        self.assertTrue(self.Ageing.with_user(reader).search([]))
        self.assertTrue(self.Dso.with_user(reader).search([]))
        with self.assertRaises(AccessError):
            self.Ageing.with_user(salesman).search([])
        with self.assertRaises(AccessError):
            self.Dso.with_user(salesman).search([])
        with self.assertRaises(AccessError):
            self.Ageing.with_user(reader).search([]).unlink()
        # the buckets are a credit setting: a Credit Manager's
        for user in (salesman, controller):
            with self.assertRaises(AccessError):
                self.company.with_user(user).credit_ageing_buckets = "10, 20"
        self.assertEqual(self.company.credit_ageing_buckets, "30, 60, 90, 180")

    def test_wizard_defaults(self):
        today = self.today
        self.assertEqual(self.env["credit.ageing.wizard"].create({}).as_of, today)
        wizard = self.env["credit.dso.wizard"].create({})
        self.assertEqual(
            (wizard.date_from, wizard.date_to), (today - timedelta(89), today)
        )
