from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..lib import ageing
from ..tools import copy_rows
from .credit_ageing import create_report_table

# Per customer: its receivable at the end of the period, as the ageing reads it, and
# its sales in the period: the posted customer invoices less the credit notes dated
# in the period, taxes included like the receivable, in company currency, rounded to
# the currency.  Summed per customer before the customers' salesperson and name are
# read.
_DSO_SQL = """
WITH %(items)s,
figures AS (
    SELECT partner.commercial_partner_id AS partner_id,
           SUM(items.amount) AS receivable, 0 AS sales
      FROM items
      LEFT JOIN res_partner partner ON partner.id = items.partner_id
  GROUP BY 1
     UNION ALL
    SELECT move.commercial_partner_id, 0, SUM(move.amount_total_signed)
      FROM account_move move
     WHERE move.move_type IN ('out_invoice', 'out_refund')
       AND move.state = 'posted'
       AND move.company_id = ANY(%(company_ids)s)
       AND move.date BETWEEN %(date_from)s AND %(date_to)s
  GROUP BY 1
),
totals AS (
    SELECT partner_id,
           ROUND(SUM(receivable) / %(rounding)s) * %(rounding)s AS receivable,
           ROUND(SUM(sales) / %(rounding)s) * %(rounding)s AS sales
      FROM figures
  GROUP BY 1
    HAVING SUM(receivable) <> 0 OR SUM(sales) <> 0
)
SELECT totals.partner_id, customer.user_id, customer.name,
       totals.receivable, totals.sales
  FROM totals
  LEFT JOIN res_partner customer ON customer.id = totals.partner_id
"""


class CreditDso(models.Model):
    """Days sales outstanding of a company's customers over a period, and of the
    company: the receivable at the end of the period over the sales of the period,
    times its days (:func:`..lib.ageing.dso`).  The company's row is computed from
    the sums, not as an average of its customers'."""

    _name = "credit.dso"
    _description = "Days Sales Outstanding"
    _order = "is_total desc, dso desc nulls last, name"
    _log_access = False
    _auto = False

    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Period Start", required=True)
    date_to = fields.Date(string="Period End", required=True)
    is_total = fields.Boolean(string="Company Total")
    partner_id = fields.Many2one("res.partner", string="Customer")
    name = fields.Char(
        string="Customer or Company",
        help="The customer, or the company on its total row.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson")
    receivable = fields.Monetary(string="Receivable at End")
    sales = fields.Monetary(string="Sales in Period")
    days = fields.Integer(string="Days in Period", aggregator="max")
    dso = fields.Float(
        string="DSO (Days)",
        digits=(16, 1),
        aggregator="max",
        help="Receivable at the end of the period / sales in the period x days. "
        "Empty without sales in the period.",
    )
    refreshed_at = fields.Datetime()

    def init(self):
        create_report_table(self)

    @api.model
    def _refresh(self, company, date_from, date_to):
        """Replace the company's rows by its customers' and its own DSO over the
        period from ``date_from`` to ``date_to``, both included."""
        days = ageing.period_days(date_from, date_to)
        self.env["credit.check.lock"].sudo()._acquire(
            [(company.partner_id.id, company.id)]
        )
        self.env.flush_all()
        params = self.env["credit.exposure"]._credit_sql_params(company, date_to)
        cr = self.env.cr
        cr.execute(
            SQL(
                "SET LOCAL jit = off; %s",
                SQL(
                    _DSO_SQL,
                    items=self.env["credit.ageing"]._credit_as_of_items(
                        company, date_to
                    ),
                    company_ids=params["company_ids"],
                    date_from=date_from,
                    date_to=date_to,
                    rounding=company.currency_id.rounding,
                ),
            )
        )
        rows = cr.fetchall()
        values = [
            {
                "is_total": False,
                "partner_id": partner_id,
                "name": name,
                "user_id": user_id,
                "receivable": receivable,
                "sales": sales,
                "dso": ageing.dso(receivable, sales, days),
            }
            for partner_id, user_id, name, receivable, sales in rows
        ]
        round_amount = partial(
            float_round, precision_rounding=company.currency_id.rounding
        )
        receivable = round_amount(sum(row[3] for row in rows))
        sales = round_amount(sum(row[4] for row in rows))
        values.append(
            {
                "is_total": True,
                "partner_id": None,
                "name": company.name,
                "user_id": None,
                "receivable": receivable,
                "sales": sales,
                "dso": ageing.dso(receivable, sales, days),
            }
        )
        cr.execute(SQL("DELETE FROM credit_dso WHERE company_id = %s", company.id))
        common = {
            "company_id": company.id,
            "date_from": date_from,
            "date_to": date_to,
            "days": days,
            "refreshed_at": fields.Datetime.now(),
        }
        names = list(values[0])
        copy_rows(
            cr,
            self._table,
            [*common, *names],
            ((*common.values(), *(row[name] for name in names)) for row in values),
        )
        self.invalidate_model()
