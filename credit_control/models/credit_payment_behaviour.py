from odoo import api, fields, models
from odoo.tools import SQL

# The receivable lines (``aml``) of the posted customer invoices (``move``) of the
# company and its branches (``company_ids``): what each invoice asks and when.
INVOICE_RECEIVABLE_SQL = """
move.move_type = 'out_invoice'
AND move.state = 'posted'
AND aml.account_id = ANY(ARRAY(SELECT id FROM account_account
                                WHERE account_type = 'asset_receivable'))
AND aml.balance > 0
AND aml.company_id = ANY(%(company_ids)s)
"""

# Payment behaviour of every customer of a company, in one query.  ``items`` are the
# receivable lines of the customer invoices of the last 12 months; what paid them
# (payments and credit notes reconciled with them, at the later date of the two) says
# whether they were paid on time and how late; what is left open and past due counts
# as late until today.  Amounts in company currency.
_BEHAVIOUR_SQL = """
WITH items AS (
    SELECT partner.commercial_partner_id AS partner_id,
           aml.id, aml.balance, aml.amount_residual, aml.date_maturity
      FROM account_move_line aml
      JOIN account_move move ON move.id = aml.move_id
      JOIN res_partner partner ON partner.id = aml.partner_id
     WHERE %(invoice_receivable)s
       AND move.invoice_date > %(year_ago)s
       %(partner_filter)s
),
settled AS (
    SELECT items.partner_id,
           SUM(partial.amount) AS paid,
           SUM(partial.amount) FILTER (
               WHERE partial.max_date <= items.date_maturity) AS on_time,
           SUM(partial.amount * GREATEST(partial.max_date - items.date_maturity, 0))
               AS late_amount_days,
           MAX(GREATEST(partial.max_date - items.date_maturity, 0)) AS worst
      FROM items
      JOIN account_partial_reconcile partial ON partial.debit_move_id = items.id
  GROUP BY 1
),
invoiced AS (
    SELECT partner_id,
           SUM(balance) AS invoiced,
           SUM(amount_residual) FILTER (WHERE date_maturity < %(today)s) AS overdue,
           SUM(amount_residual * (%(today)s - date_maturity)) FILTER (
               WHERE date_maturity < %(today)s) AS open_late_amount_days,
           MAX(%(today)s - date_maturity) FILTER (
               WHERE date_maturity < %(today)s AND amount_residual > 0) AS open_worst
      FROM items
  GROUP BY 1
),
open_items AS (
    SELECT partner.commercial_partner_id AS partner_id,
           SUM(aml.amount_residual) AS receivable,
           SUM(aml.amount_residual) FILTER (
               WHERE aml.date_maturity < %(today)s AND aml.amount_residual > 0)
               AS overdue
      FROM account_move_line aml
      JOIN res_partner partner ON partner.id = aml.partner_id
     WHERE %(open_receivable)s
       %(partner_filter)s
  GROUP BY 1
),
sales AS (
    SELECT move.commercial_partner_id AS partner_id,
           MIN(move.invoice_date) AS first_invoice,
           SUM(move.amount_untaxed_signed) FILTER (
               WHERE move.invoice_date > %(year_ago)s) AS sales_12m,
           SUM(move.amount_untaxed_signed) FILTER (
               WHERE move.invoice_date > %(half_year_ago)s) AS sales_recent,
           SUM(move.amount_untaxed_signed) FILTER (
               WHERE move.invoice_date > %(year_ago)s
                 AND move.invoice_date <= %(half_year_ago)s) AS sales_before
      FROM account_move move
     WHERE move.move_type IN ('out_invoice', 'out_refund')
       AND move.state = 'posted'
       AND move.company_id = ANY(%(company_ids)s)
       %(move_filter)s
  GROUP BY 1
),
holds AS (
    SELECT hold.partner_id, COUNT(*) AS holds
      FROM credit_hold hold
     WHERE hold.company_id = %(company_id)s
       AND hold.create_date > %(year_ago)s
  GROUP BY 1
)
SELECT partner_id,
       invoiced.invoiced, settled.paid, settled.on_time,
       settled.late_amount_days, invoiced.overdue AS overdue_12m,
       invoiced.open_late_amount_days,
       GREATEST(settled.worst, invoiced.open_worst) AS worst,
       open_items.receivable, open_items.overdue,
       sales.first_invoice, sales.sales_12m, sales.sales_recent, sales.sales_before,
       holds.holds
  FROM sales
  FULL JOIN open_items USING (partner_id)
  FULL JOIN invoiced USING (partner_id)
  LEFT JOIN settled USING (partner_id)
  LEFT JOIN holds USING (partner_id)
"""

# The customers that the behaviour query has a row of: the commercial partners of its
# ``sales`` and ``open_items`` (an invoice's receivable line is its commercial
# partner's, so ``invoiced`` adds none).
_PARTNERS_SQL = """
SELECT move.commercial_partner_id
  FROM account_move move
 WHERE move.move_type IN ('out_invoice', 'out_refund')
   AND move.state = 'posted'
   AND move.company_id = ANY(%(company_ids)s)
 GROUP BY 1
UNION
SELECT partner.commercial_partner_id
  FROM res_partner partner
 WHERE partner.id IN (SELECT aml.partner_id
                        FROM account_move_line aml
                       WHERE %(open_receivable)s)
"""


class CreditPaymentBehaviour(models.AbstractModel):
    """How customers pay, from Odoo's own invoices and payments: the features the
    scorecards read besides financial statements and ratings."""

    _name = "credit.payment.behaviour"
    _description = "Customer Payment Behaviour"

    @api.model
    def _credit_features(self, company, partner_ids=None):
        """Per commercial partner id: its payment behaviour over the last 12 months,
        as scorecard features; ``None`` asks it for every customer at once."""
        today = fields.Date.context_today(self)
        self.env.flush_all()
        if partner_ids is None:
            partner_filter = move_filter = SQL()
        else:
            # the customers' contacts too, found through the partner indexes
            family = self.env.execute_query(
                SQL(
                    """SELECT id FROM res_partner WHERE commercial_partner_id IN
                       (SELECT commercial_partner_id FROM res_partner
                         WHERE id = ANY(%s))""",
                    list(partner_ids),
                )
            )
            family = [partner_id for (partner_id,) in family]
            partner_filter = SQL(
                "AND aml.partner_id = ANY(%s) AND partner.id = ANY(%s)", family, family
            )
            move_filter = SQL("AND move.partner_id = ANY(%s)", family)
        # The company, its branches and the open items as the exposure reads them.
        shared = self.env["credit.exposure"]._credit_sql_params(company, today)
        self.env.cr.execute(
            SQL(
                "SET LOCAL jit = off; %s",
                SQL(
                    _BEHAVIOUR_SQL,
                    today=today,
                    year_ago=fields.Date.subtract(today, years=1),
                    half_year_ago=fields.Date.subtract(today, months=6),
                    company_id=company.id,
                    company_ids=shared["company_ids"],
                    invoice_receivable=SQL(
                        INVOICE_RECEIVABLE_SQL, company_ids=shared["company_ids"]
                    ),
                    open_receivable=shared["open_receivable"],
                    partner_filter=partner_filter,
                    move_filter=move_filter,
                ),
            )
        )
        return {
            row["partner_id"]: _features(row, today)
            for row in self.env.cr.dictfetchall()
        }

    @api.model
    def _credit_feature_partners(self, company):
        """The commercial partner ids that :meth:`_credit_features` has a row of."""
        today = fields.Date.context_today(self)
        shared = self.env["credit.exposure"]._credit_sql_params(company, today)
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SET LOCAL jit = off; " + _PARTNERS_SQL,
                company_ids=shared["company_ids"],
                open_receivable=shared["open_receivable"],
            )
        )
        return {partner_id for (partner_id,) in rows}


def _ratio(part, whole, scale=1.0):
    return part / whole * scale if part is not None and whole else None


def _features(row, today):
    """The scorecard features of one row of the behaviour query (absent when the
    customer has no data for them)."""
    settled_late = row["late_amount_days"] or 0.0
    open_late = row["open_late_amount_days"] or 0.0
    late_base = (row["paid"] or 0.0) + max(row["overdue_12m"] or 0.0, 0.0)
    values = {
        "on_time_share": _ratio(row["on_time"] or 0.0, row["invoiced"], 100.0),
        "avg_days_late": _ratio(settled_late + open_late, late_base),
        "max_days_late": row["worst"] if row["invoiced"] else None,
        "overdue_share": _overdue_share(row["overdue"], row["receivable"]),
        "dso": _ratio(max(row["receivable"] or 0.0, 0.0), row["sales_12m"], 365.0),
        "months_trading": _months(row["first_invoice"], today),
        "sales_12m": row["sales_12m"],
        "sales_trend": _ratio(
            (row["sales_recent"] or 0.0) - (row["sales_before"] or 0.0),
            row["sales_before"],
            100.0,
        ),
        "holds_12m": row["holds"] or 0,
    }
    return {code: value for code, value in values.items() if value is not None}


def _overdue_share(overdue, receivable):
    if receivable is None:
        return None
    if receivable <= 0:
        return 0.0
    return min(max(overdue or 0.0, 0.0), receivable) / receivable * 100.0


def _months(first, today):
    if not first:
        return None
    return (
        (today.year - first.year) * 12
        + today.month
        - first.month
        - (today.day < first.day)
    )
