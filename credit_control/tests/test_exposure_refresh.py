from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools.constants import PREFETCH_MAX

from ..models.res_partner import KEPT_FIGURES_FROM
from .common import CreditCommon

FIGURES = [
    "credit_exposure",
    "credit_available",
    "credit_overdue_days",
    "credit_group_exposure",
]


@tagged("post_install", "-at_install")
class TestExposureRefresh(CreditCommon):
    """Customers by Exposure keeps its rows: a refresh recomputes those of the
    customers whose figures may have changed since, and gives the rows a full
    refresh gives."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Exposure = cls.env["credit.exposure"]
        cls.second = cls.env["res.partner"].create(
            {"name": "Second Customer", "is_company": True, "credit_limit": 400.0}
        )
        cls.third = cls.env["res.partner"].create(
            {"name": "Third Customer", "is_company": True, "credit_limit": 900.0}
        )
        cls.invoice(300.0, days_overdue=10)
        cls.order(100.0, partner=cls.second, confirm=True)
        cls.invoice(250.0, partner=cls.third)

    def rows(self):
        """The company's rows: per customer, its figures."""
        self.Exposure.invalidate_model()
        names = [
            name
            for name, field in self.Exposure._fields.items()
            if field.store and name not in ("id", "refreshed_at")
        ]
        return {
            row.pop("partner_id"): row
            for row in self.Exposure.search_read(
                [("company_id", "=", self.env.company.id)], names, load=None
            )
            if row.pop("id")
        }

    def assert_kept_current(self):
        """The rows of a refresh equal those of a full refresh."""
        self.Exposure._refresh(self.env.company)
        kept = self.rows()
        self.Exposure._refresh(self.env.company, full=True)
        self.assertEqual(kept, self.rows())

    def row_ids(self):
        self.Exposure.invalidate_model()
        rows = self.Exposure.search([("company_id", "=", self.env.company.id)])
        return {row.partner_id: row.id for row in rows}

    def test_each_change_refreshes_as_a_full_refresh(self):
        self.Exposure._refresh(self.env.company, full=True)
        steps = [
            lambda: self.invoice(80.0, partner=self.second),
            lambda: self._register_payment(self.invoice(500.0), amount=200.0),
            lambda: self.unapplied_payment(50.0, partner=self.third),
            lambda: self.order(70.0, partner=self.third, confirm=True),
            lambda: self.invoice(40.0, partner=self.second, post=False),
            lambda: self.order(60.0, confirm=True)._create_invoices(),
            lambda: self.second.write({"credit_limit": 800.0}),
            lambda: self.third.write({"credit_hold": True, "credit_hold_reason": "x"}),
            # a contact of the first customer moves to the third with its invoice
            lambda: self.invoice(30.0, partner=self.contact),
            lambda: self.contact.write({"parent_id": self.third.id}),
            lambda: self.env["credit.group"].create(
                {
                    "name": "Holding",
                    "credit_limit": 2000.0,
                    "partner_ids": [Command.set((self.second | self.third).ids)],
                }
            ),
            lambda: self.second.write({"user_id": self.env.user.id}),
            lambda: self.env["sale.order"]
            .search([("partner_id", "=", self.third.id)])
            .filtered(lambda o: o.state == "sale")[:1]
            ._action_cancel(),
        ]
        for step in steps:
            step()
            self.assert_kept_current()

    def test_only_the_changed_customers_are_recomputed(self):
        self.Exposure._refresh(self.env.company, full=True)
        before = self.row_ids()
        self.invoice(80.0, partner=self.second)
        self.Exposure._refresh(self.env.company)
        after = self.row_ids()
        self.assertEqual(after[self.customer], before[self.customer])
        self.assertEqual(after[self.third], before[self.third])
        self.assertNotEqual(after[self.second], before[self.second])
        self.env.cr.execute("SELECT count(*) FROM credit_exposure_stale")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the marks are taken")

    def test_a_change_for_everyone_recomputes_every_row(self):
        self.Exposure._refresh(self.env.company, full=True)
        before = self.row_ids()
        self.policy.warning_pct = 90
        self.Exposure._refresh(self.env.company)
        after = self.row_ids()
        self.assertFalse(set(before.values()) & set(after.values()))

    def test_rows_of_another_day_are_all_recomputed(self):
        self.Exposure._refresh(self.env.company, full=True)
        before = self.row_ids()
        self.env.cr.execute("UPDATE credit_exposure SET as_of = as_of - 1")
        self.Exposure._refresh(self.env.company)
        self.assertFalse(set(before.values()) & set(self.row_ids().values()))

    def test_other_companies_rows_follow(self):
        other = self.setup_other_company()["company"]
        self.second.with_company(other).credit_limit = 300.0
        self.Exposure._refresh(self.env.company | other, full=True)
        self.second.with_company(other).credit_limit = 600.0
        self.Exposure._refresh(self.env.company)
        row = self.Exposure.search(
            [("company_id", "=", other.id), ("partner_id", "=", self.second.id)]
        )
        self.assertEqual(row.credit_limit, 600.0)

    def test_deleted_customer_leaves_the_rows(self):
        gone = self.env["res.partner"].create({"name": "Gone", "credit_limit": 10.0})
        self.Exposure._refresh(self.env.company, full=True)
        self.assertIn(gone.id, self.rows())
        gone.unlink()
        self.assert_kept_current()
        self.assertNotIn(gone.id, self.rows())

    def test_triggers_follow_the_sources(self):
        Stale = self.env["credit.exposure.stale"]
        tables = {*Stale._credit_stale_sources(), *Stale._credit_stale_settings()}
        self.assertEqual(Stale._credit_triggered_tables(), tables)
        with self.assertQueryCount(1):
            Stale._credit_install_triggers()
        Stale._credit_uninstall()
        self.env.cr.execute("SELECT to_regclass('credit_exposure_stale')")
        self.assertIsNone(self.env.cr.fetchone()[0])
        self.assertFalse(Stale._credit_triggered_tables())
        Stale._credit_install_triggers()
        self.assertEqual(Stale._credit_triggered_tables(), tables)

    def figure_path(self, name):
        """Where a row keeps the figure: after the key of the names, sorted."""
        Partner = self.env["res.partner"]
        names = sorted(
            field_name
            for field_name, field in Partner._fields.items()
            if field.compute == "_compute_credit_figures"
            and field_name != "credit_currency_id"
        )
        today = fields.Date.context_today(Partner)
        nothing = Partner._credit_live_figures(self.env.company, [0], today)[0]
        self.assertEqual(names, sorted(nothing), "every figure is kept")
        return f"{{{names.index(name) + 1}}}"

    def list_figures(self, partners):
        partners = partners.with_company(self.env.company)
        partners.invalidate_recordset()
        return {row.pop("id"): row for row in partners.read(FIGURES)}

    def live_figures(self, partners):
        return {
            partner.id: self.list_figures(partner)[partner.id] for partner in partners
        }

    def test_a_list_reads_the_kept_figures(self):
        many = self.customer | self.second | self.third
        many |= self.env["res.partner"].create(
            [{"name": f"Listed {n}"} for n in range(KEPT_FIGURES_FROM)]
        )
        self.env["credit.group"].create(
            {
                "name": "Holding",
                "credit_limit": 2000.0,
                "partner_ids": [Command.set((self.second | self.third).ids)],
            }
        )
        self.Exposure._refresh(self.env.company, full=True)
        self.assertEqual(self.list_figures(many), self.live_figures(many))
        # the figures come from the rows...
        self.env.cr.execute(
            """UPDATE credit_exposure SET figures = jsonb_set(figures, %s, '12345')
                WHERE partner_id = %s""",
            [self.figure_path("credit_exposure"), self.customer.id],
        )
        self.assertEqual(
            self.list_figures(many)[self.customer.id]["credit_exposure"], 12345.0
        )
        # ...but those of a customer that changed since, and of its group
        self.invoice(80.0)
        self.invoice(70.0, partner=self.second)
        self.assertEqual(self.list_figures(many), self.live_figures(many))
        self.assertEqual(self.list_figures(many)[self.third.id]["credit_exposure"], 250)

    def test_a_long_list_reads_every_kept_row_at_once(self):
        listed = self.env["res.partner"].create(
            [{"name": f"Listed {n}"} for n in range(PREFETCH_MAX)]
        )
        many = self.customer | self.contact | self.second | self.third | listed
        self.Exposure._refresh(self.env.company, full=True)
        self.env.cr.execute(
            """UPDATE credit_exposure SET figures = jsonb_set(figures, %s, '12345')
                WHERE partner_id = %s""",
            [self.figure_path("credit_exposure"), self.customer.id],
        )
        self.invoice(70.0, partner=self.second)
        figures = self.list_figures(many)
        self.assertEqual(figures[self.customer.id]["credit_exposure"], 12345.0)
        self.assertEqual(figures[self.contact.id], figures[self.customer.id])
        some = self.second | self.third | listed[-1]
        live = self.live_figures(some)
        self.assertEqual({p.id: figures[p.id] for p in some}, live)

    def test_no_kept_figures_of_another_day(self):
        many = self.customer | self.env["res.partner"].create(
            [{"name": f"Listed {n}"} for n in range(KEPT_FIGURES_FROM)]
        )
        self.Exposure._refresh(self.env.company, full=True)
        self.env.cr.execute(
            """UPDATE credit_exposure
                  SET figures = jsonb_set(figures, %s, '12345'), as_of = as_of - 1""",
            [self.figure_path("credit_exposure")],
        )
        self.assertEqual(self.list_figures(many), self.live_figures(many))

    def test_customers_sorted_by_a_figure(self):
        many = self.customer | self.second | self.third
        many |= self.env["res.partner"].create(
            [{"name": f"Listed {n}", "credit_limit": n} for n in range(5)]
        )
        self.Exposure._refresh(self.env.company, full=True)
        self.invoice(900.0, partner=self.second)  # changed since the refresh
        Partner = self.env["res.partner"]
        for name in ("credit_exposure", "credit_available"):
            for direction in ("asc", "desc"):
                found = Partner.search(
                    [("id", "in", many.ids)], order=f"{name} {direction}, id"
                )
                live = self.live_figures(many)
                expected = sorted(
                    many.ids,
                    key=lambda p, name=name: live[p][name],
                    reverse=direction == "desc",
                )
                self.assertEqual(
                    [live[p][name] for p in found.ids],
                    [live[p][name] for p in expected],
                    f"{name} {direction}",
                )
        self.assertTrue(Partner.fields_get(["credit_exposure"], ["sortable"]))

    def test_sorting_brings_rows_of_another_day_up_to_date(self):
        self.Exposure._refresh(self.env.company, full=True)
        self.env.cr.execute("UPDATE credit_exposure SET as_of = as_of - 1")
        found = self.env["res.partner"].search(
            [("id", "in", (self.customer | self.third).ids)],
            order="credit_exposure desc",
        )
        self.assertEqual(found.ids, [self.customer.id, self.third.id])
        self.assertEqual(
            self.Exposure._credit_kept_state(self.env.company), (set(), None)
        )
