from datetime import datetime

import pytz

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..tools import user_today
from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestExposure(CreditCommon):
    def test_posted_invoices_payments_and_credit_notes(self):
        invoice = self.invoice(600.0)
        self.invoice(100.0, move_type="out_refund")
        self.assertEqual(self.figures().credit_receivable, 500.0)
        self._register_payment(invoice, amount=200.0)
        self.assertEqual(self.figures().credit_receivable, 300.0)
        self.assertEqual(self.figures().credit_exposure, 300.0)

    def test_unreconciled_payment_reduces_exposure_and_overdue(self):
        self.invoice(400.0, days_overdue=40)
        self.unapplied_payment(150.0)
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 250.0)
        self.assertEqual(partner.credit_overdue, 250.0)
        self.assertEqual(partner.credit_overdue_days, 40)

    def test_overdue_part(self):
        self.invoice(300.0, days_overdue=10)
        self.invoice(200.0)
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 500.0)
        self.assertEqual(partner.credit_overdue, 300.0)
        self.assertEqual(partner.credit_overdue_days, 10)

    def test_draft_invoices_count_once(self):
        self.invoice(120.0, post=False)
        order = self.order(500.0, confirm=True)
        order._create_invoices()
        partner = self.figures()
        self.assertEqual(partner.credit_draft_invoices, 120.0)
        self.assertEqual(partner.credit_orders_to_invoice, 500.0)
        self.assertEqual(partner.credit_exposure, 620.0)

    def test_orders_count_tax_included(self):
        self.order(500.0, taxes=self.tax_10, confirm=True)
        self.assertEqual(self.figures().credit_orders_to_invoice, 550.0)

    def test_partly_invoiced_order(self):
        self.customer.credit_limit = 5000.0
        order = self.order(100.0, taxes=self.tax_10)
        order.order_line.product_uom_qty = 10
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 4
        invoice.action_post()
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 440.0)
        self.assertEqual(partner.credit_orders_to_invoice, 660.0)
        self.assertEqual(partner.credit_exposure, 1100.0)

    def test_partly_delivered_order_counts_in_full(self):
        self.customer.credit_limit = 5000.0
        service = self._create_product(
            name="Installation",
            type="service",
            lst_price=100.0,
            invoice_policy="delivery",
            taxes_id=[Command.set(self.tax_10.ids)],
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": service.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(self.figures().credit_orders_to_invoice, 1100.0)
        order.order_line.qty_delivered = 4
        self.assertEqual(self.figures().credit_orders_to_invoice, 1100.0)
        order._create_invoices().action_post()
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 440.0)
        self.assertEqual(partner.credit_orders_to_invoice, 660.0)

    def test_down_payment_counts_once(self):
        self.customer.credit_limit = 10000.0
        order = self.order(1000.0, taxes=self.tax_10, confirm=True)
        self._create_down_payment_invoice(order, "percentage", 30, post=True)
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 330.0)
        self.assertEqual(partner.credit_exposure, 1100.0)
        self._create_final_invoice(order, post=True)
        partner = self.figures()
        self.assertEqual(partner.credit_orders_to_invoice, 0.0)
        self.assertEqual(partner.credit_exposure, 1100.0)

    def test_contacts_count_for_their_company(self):
        self.invoice(250.0, partner=self.contact)
        self.order(100.0, partner=self.contact, confirm=True)
        self.assertEqual(self.figures().credit_exposure, 350.0)
        self.assertEqual(self.figures(self.contact).credit_exposure, 350.0)

    def test_other_currency_at_todays_rate(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2000-01-01", 4.0), (str(self.today), 2.0)]
        )
        self.invoice(300.0, currency_id=eur.id, days_overdue=10)
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": eur.id}
        )
        self.order(100.0, pricelist_id=pricelist.id, confirm=True)
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 150.0)
        self.assertEqual(partner.credit_orders_to_invoice, 50.0)

    def test_limit_available_and_utilisation(self):
        self.order(850.0, confirm=True)
        partner = self.figures()
        self.assertEqual(partner.credit_effective_limit, 1000.0)
        self.assertEqual(partner.credit_available, 150.0)
        self.assertAlmostEqual(partner.credit_utilisation, 85.0)
        self.customer.write(
            {"credit_limit_temp": 1000.0, "credit_limit_temp_end": self.today}
        )
        self.assertEqual(self.figures().credit_effective_limit, 2000.0)

    def test_only_current_company_counts(self):
        other = self.setup_other_company(name="Other Co")["company"]
        self.invoice(200.0)
        self._create_invoice_one_line(
            price_unit=700.0,
            tax_ids=[],
            partner_id=self.customer.id,
            company_id=other.id,
            journal_id=self.env["account.journal"]
            .search([("company_id", "=", other.id), ("type", "=", "sale")], limit=1)
            .id,
            post=True,
        )
        self.assertEqual(self.figures().credit_exposure, 200.0)
        self.assertEqual(self.customer.with_company(other).credit_exposure, 700.0)

    def test_portfolio_matches_partner_figures(self):
        second = self.env["res.partner"].create(
            {"name": "Second", "credit_limit": 400.0}
        )
        self.invoice(300.0)
        self.order(100.0, partner=second, confirm=True)
        self.env["credit.exposure"]._refresh(self.env.company)
        rows = self.env["credit.exposure"].search(
            [("company_id", "=", self.env.company.id)]
        )
        by_partner = {row.partner_id: row for row in rows}
        self.assertEqual(by_partner[self.customer].exposure, 300.0)
        self.assertEqual(by_partner[second].exposure, 100.0)
        self.assertAlmostEqual(by_partner[second].utilisation, 25.0)
        self.assertEqual(rows[0].partner_id, self.customer)

    def test_exposure_is_one_query(self):
        partners = self.customer | self.env["res.partner"].create({"name": "Other"})
        self.invoice(100.0)
        Exposure = self.env["credit.exposure"]
        Exposure._compute_exposures(self.env.company, partners.ids)  # warm the cache
        self.env.flush_all()
        with self.assertQueryCount(1):
            self.env["credit.exposure"]._compute_exposures(
                self.env.company, partners.ids
            )

    def test_today_of_the_user_without_reading_the_user(self):
        """The check's today is the user's, from their cached context."""
        for tz in ("Pacific/Kiritimati", "Pacific/Pago_Pago", False):
            user = new_test_user(
                self.env, f"tz_user_{tz}", groups="sales_team.group_sale_salesman"
            )
            user.partner_id.tz = tz
            order = self.env["sale.order"].with_user(user).with_context(tz=None)
            now = datetime.now(pytz.timezone(tz or "UTC"))
            self.assertEqual(user_today(order), now.date())
            order.env.invalidate_all()
            with self.assertQueryCount(0):
                user_today(order)
        order = order.with_context(tz="Pacific/Kiritimati")
        now = datetime.now(pytz.timezone("Pacific/Kiritimati"))
        self.assertEqual(user_today(order), now.date())
