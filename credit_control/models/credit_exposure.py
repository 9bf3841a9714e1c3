from collections import defaultdict
from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..lib import credit_rules

# Posted receivables not yet reconciled (open invoices, unapplied payments and credit
# notes), draft customer invoices not coming from an order, and confirmed orders not
# yet invoiced, grouped by commercial partner and document currency.  The order amount
# is the stored untaxed amount to invoice, plus what is not delivered yet of lines
# invoiced on delivery, grossed up by the line's own tax ratio; a down payment line
# carries a negative amount to invoice once its invoice is posted, so it is never
# counted twice.
_EXPOSURE_SQL = """
WITH family AS NOT MATERIALIZED (
    SELECT id, commercial_partner_id
      FROM res_partner
     WHERE %(partner_filter)s
),
receivable AS (
    SELECT f.commercial_partner_id AS partner_id,
           aml.currency_id,
           SUM(aml.amount_residual_currency) AS receivable,
           SUM(aml.amount_residual_currency)
               FILTER (WHERE aml.date_maturity < %(today)s
                         AND aml.amount_residual_currency > 0)
               AS overdue,
           MIN(aml.date_maturity)
               FILTER (WHERE aml.date_maturity < %(today)s
                         AND aml.amount_residual_currency > 0)
               AS oldest_due_date,
           NULL::numeric AS draft,
           NULL::numeric AS orders
      FROM account_move_line aml
      JOIN family f ON f.id = aml.partner_id
     WHERE aml.account_id = ANY(ARRAY(SELECT id FROM account_account
                                       WHERE account_type = 'asset_receivable'))
       AND aml.reconciled IS NOT TRUE
       AND aml.parent_state = 'posted'
       AND aml.amount_residual_currency <> 0
       AND aml.company_id = %(company_id)s
  GROUP BY 1, 2
),
draft AS (
    SELECT partner_id, currency_id, NULL::numeric, NULL::numeric, NULL::date,
           SUM(CASE WHEN move_type = 'out_refund' THEN -price_total
                    ELSE price_total END),
           NULL::numeric
      FROM (SELECT f.commercial_partner_id AS partner_id,
                   aml.currency_id,
                   aml.price_total,
                   (SELECT am.move_type FROM account_move am WHERE am.id = aml.move_id)
                       AS move_type
              FROM account_move_line aml
              JOIN family f ON f.id = aml.partner_id
             WHERE aml.parent_state = 'draft'
               AND aml.display_type = 'product'
               AND aml.company_id = %(company_id)s
               AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel rel
                                WHERE rel.invoice_line_id = aml.id)) draft_line
     WHERE move_type IN ('out_invoice', 'out_refund')
  GROUP BY 1, 2
),
orders AS (
    SELECT f.commercial_partner_id,
           so.currency_id,
           NULL::numeric, NULL::numeric, NULL::date, NULL::numeric,
           ROUND(SUM((sol.untaxed_amount_to_invoice + CASE
                          WHEN tmpl.invoice_policy = 'delivery'
                           AND sol.product_uom_qty > sol.qty_delivered
                          THEN (sol.product_uom_qty - sol.qty_delivered)
                               * sol.price_subtotal / sol.product_uom_qty
                          ELSE 0 END)
                     * CASE
                   WHEN sol.price_subtotal <> 0
                       THEN sol.price_total / sol.price_subtotal
                   ELSE 1 + COALESCE((
                       SELECT SUM(tax.amount) / 100
                         FROM account_tax_sale_order_line_rel tax_rel
                         JOIN account_tax tax ON tax.id = tax_rel.account_tax_id
                        WHERE tax_rel.sale_order_line_id = sol.id
                          AND tax.amount_type = 'percent'), 0)
               END) / currency.rounding) * currency.rounding
      FROM sale_order so
      JOIN family f ON f.id = so.partner_invoice_id
      JOIN res_currency currency ON currency.id = so.currency_id
      JOIN sale_order_line sol ON sol.order_id = so.id
      LEFT JOIN product_product product ON product.id = sol.product_id
      LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
     WHERE so.state = 'sale'
       AND so.company_id = %(company_id)s
       AND (sol.untaxed_amount_to_invoice <> 0
            OR sol.qty_delivered < sol.product_uom_qty)
  GROUP BY 1, 2, currency.rounding
)
SELECT * FROM receivable
UNION ALL SELECT * FROM draft
UNION ALL SELECT * FROM orders
"""


class CreditExposure(models.Model):
    """Exposure of every customer of a company, as last refreshed, for lists and pivots.

    The figures are computed by :meth:`_compute_exposures`, the one code path that also
    feeds the partner form and the check at order confirmation.
    """

    _name = "credit.exposure"
    _description = "Customer Credit Exposure"
    _order = "utilisation desc, exposure desc"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson")
    credit_limit = fields.Monetary(string="Limit")
    receivable = fields.Monetary(string="Open Receivable")
    overdue = fields.Monetary()
    overdue_days = fields.Integer(string="Days Overdue")
    draft_invoices = fields.Monetary()
    orders_to_invoice = fields.Monetary(string="Orders Not Invoiced")
    exposure = fields.Monetary()
    available = fields.Monetary()
    utilisation = fields.Float(string="Utilisation (%)", aggregator="avg")
    refreshed_at = fields.Datetime()

    @api.model
    def _compute_exposures(self, company, partner_ids=None):
        """Exposure per commercial partner id, in company currency, at today's rates.

        ``partner_ids`` limits the question to these commercial partners; ``None``
        asks it for every customer of the company.  One SQL query whatever their number.
        """
        if partner_ids is None:
            partner_filter = SQL("TRUE")
        else:
            partner_filter = SQL("commercial_partner_id = ANY(%s)", list(partner_ids))
        for model in (
            "account.move.line",
            "account.move",
            "sale.order",
            "sale.order.line",
        ):
            self.env[model].flush_model()
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                _EXPOSURE_SQL,
                partner_filter=partner_filter,
                today=today,
                company_id=company.id,
            )
        )
        rows = self.env.cr.fetchall()
        currency = company.currency_id
        rates = self._rates_to(currency, company, today, {row[1] for row in rows})
        per_partner = defaultdict(list)
        for partner_id, currency_id, *amounts in rows:
            per_partner[partner_id].append((*amounts, rates[currency_id]))
        round_amount = partial(float_round, precision_rounding=currency.rounding)
        return {
            partner_id: credit_rules.merge_currency_rows(partner_rows, round_amount)
            for partner_id, partner_rows in per_partner.items()
        }

    @api.model
    def _rates_to(self, currency, company, date, currency_ids):
        currencies = self.env["res.currency"].browse(currency_ids)
        return {
            c.id: self.env["res.currency"]._get_conversion_rate(
                c, currency, company, date
            )
            for c in currencies
        }

    @api.model
    def action_refresh(self):
        """Recompute the rows of the current company and open them."""
        self.check_access("read")
        self._refresh(self.env.company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_exposure_action"
        )

    @api.model
    def _refresh(self, company):
        """Replace the company's rows by its customers' exposure as it is now."""
        exposures = self.sudo()._compute_exposures(company)
        partners = (
            self.env["res.partner"].sudo().with_company(company).browse(list(exposures))
        )
        limits = partners._credit_effective_limits()
        today = fields.Date.context_today(self)
        now = fields.Datetime.now()
        values = []
        for partner in partners:
            figures = exposures[partner.id]
            limit = limits[partner.id]
            values.append(
                (
                    partner.id,
                    company.id,
                    partner.user_id.id or None,
                    limit,
                    figures.receivable,
                    figures.overdue,
                    figures.overdue_days(today),
                    figures.draft_invoices,
                    figures.orders_to_invoice,
                    figures.total,
                    credit_rules.available(limit, figures.total),
                    credit_rules.utilisation_pct(limit, figures.total),
                    now,
                )
            )
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM credit_exposure WHERE company_id = %s", company.id))
        if values:
            cr.execute(
                SQL(
                    """INSERT INTO credit_exposure (partner_id, company_id, user_id,
                           credit_limit, receivable, overdue, overdue_days,
                           draft_invoices, orders_to_invoice, exposure, available,
                           utilisation, refreshed_at)
                       SELECT * FROM unnest(%s::int[], %s::int[], %s::int[],
                           %s::numeric[], %s::numeric[], %s::numeric[], %s::int[],
                           %s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[],
                           %s::float[], %s::timestamp[])""",
                    *(list(column) for column in zip(*values, strict=True)),
                )
            )
        self.invalidate_model()

    @api.model
    def _cron_refresh(self):
        for company in self.env["res.company"].search(
            [("credit_policy_id", "!=", False)]
        ):
            self._refresh(company)
