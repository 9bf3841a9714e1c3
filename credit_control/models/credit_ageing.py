from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, sql

from ..lib import ageing

# The receivable items as they stood at the end of %(as_of)s, in company currency,
# each with its partner and due date (its date when it has none): the posted
# receivable lines of the company and its branches dated up to then, less what
# partial reconciliations dated up to then took off them.  Read as what is left of
# the items open now, from the open items' index alone, plus what was reconciled
# after the date, of them or of items reconciled since, so that only the items open
# now and those reconciled after the date are read.  An item can so give two rows:
# only their sums make sense.  Unapplied payments and credit notes are items in
# credit: the sum of the items is the receivable balance at the date.
_AS_OF_ITEMS_SQL = """
later AS MATERIALIZED (
    SELECT line_id, SUM(amount) AS amount
      FROM (SELECT debit_move_id AS line_id, amount
              FROM account_partial_reconcile
             WHERE max_date > %(as_of)s
             UNION ALL
            SELECT credit_move_id, -amount
              FROM account_partial_reconcile
             WHERE max_date > %(as_of)s) partial
  GROUP BY line_id
),
items AS (
    SELECT aml.partner_id, COALESCE(aml.date_maturity, aml.date) AS due,
           aml.amount_residual AS amount
      FROM account_move_line aml
     WHERE %(open_receivable)s
       AND aml.date <= %(as_of)s
     UNION ALL
    SELECT aml.partner_id, COALESCE(aml.date_maturity, aml.date),
           later.amount
           + CASE WHEN (%(open_receivable)s) THEN 0 ELSE aml.amount_residual END
      FROM later
      JOIN account_move_line aml ON aml.id = later.line_id
     WHERE aml.account_id = ANY(ARRAY(SELECT id FROM account_account
                                       WHERE account_type = 'asset_receivable'))
       AND aml.parent_state = 'posted'
       AND aml.company_id = ANY(%(company_ids)s)
       AND aml.date <= %(as_of)s
)
"""

# The rows of a company's ageing: per customer and bucket, with the customer's
# salesperson and its latest grade in the company up to the date (a customer is
# scored once a day).  %(bucket_ids)s are the ids of the company's buckets in their
# order: a row takes its bucket's id from its rank, without a join that PostgreSQL
# cannot estimate.
_AGEING_SQL = """
WITH %(items)s,
aged AS (
    SELECT partner.commercial_partner_id AS partner_id, %(bucket)s AS bucket_index,
           SUM(items.amount) AS amount
      FROM items
      LEFT JOIN res_partner partner ON partner.id = items.partner_id
  GROUP BY 1, 2
    HAVING SUM(items.amount) <> 0
),
customers AS (
    SELECT customer.id AS partner_id, customer.user_id, history.grade_id
      FROM res_partner customer
      LEFT JOIN LATERAL (
           SELECT score.grade_id
             FROM credit_score_history score
            WHERE score.partner_id = customer.id
              AND score.company_id = %(company_id)s
              AND score.date <= %(as_of)s
         ORDER BY score.date DESC
            LIMIT 1) history ON TRUE
     WHERE customer.id IN (SELECT partner_id FROM aged)
)
INSERT INTO credit_ageing (company_id, as_of, partner_id, user_id, grade_id,
                           bucket_id, bucket_index, amount, refreshed_at)
SELECT %(company_id)s, %(as_of)s, aged.partner_id, customers.user_id,
       customers.grade_id, (%(bucket_ids)s)[aged.bucket_index + 1],
       aged.bucket_index, aged.amount, %(now)s
  FROM aged
  LEFT JOIN customers ON customers.partner_id = aged.partner_id
"""


def create_report_table(model, indexed=("company_id",)):
    """Create the table of a report ``model`` (``_auto = False``) and the columns of
    its stored fields, without the foreign keys the ORM gives many2one columns.

    A refresh writes tens of thousands of rows in one statement, and checking
    their keys, row by row, takes several times as long as writing them.  The rows
    reference what cannot go while they do: partners with journal items, the
    scorecard grades in use, the buckets (replaced with the rows).
    """
    cr = model.env.cr
    table = model._table
    if not sql.table_exists(cr, table):
        sql.create_model_table(cr, table, model._description)
    for name, field in model._fields.items():
        if field.store and not sql.column_exists(cr, table, name):
            sql.create_column(cr, table, name, field.column_type[1])
    for name in indexed:
        sql.create_index(cr, f"{table}__{name}_index", table, [f'"{name}"'])


class CreditAgeing(models.Model):
    """What customers owed a company at a date, per bucket of days past due.

    The rows of a company are those of its last refresh (:meth:`_refresh`), one SQL
    statement whatever the number of invoices.  An amount is aged from its due
    date; unapplied payments and credit notes count negative in the bucket of their
    own due date, which is usually their date, so that a customer's buckets add up
    to its receivable balance.  The salesperson is the customer's.
    """

    _name = "credit.ageing"
    _description = "Receivable Ageing"
    _order = "partner_id, bucket_index"
    _rec_name = "partner_id"
    _log_access = False
    _auto = False

    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    as_of = fields.Date(required=True)
    partner_id = fields.Many2one("res.partner", string="Customer")
    user_id = fields.Many2one("res.users", string="Salesperson")
    grade_id = fields.Many2one(
        "credit.grade",
        help="The customer's latest credit grade in the company up to the date.",
    )
    bucket_id = fields.Many2one("credit.ageing.bucket", required=True)
    bucket_index = fields.Integer(
        string="Bucket Rank", help="0 for not due, then 1 for the first bucket..."
    )
    days_from = fields.Integer(related="bucket_id.days_from")
    days_to = fields.Integer(related="bucket_id.days_to")
    amount = fields.Monetary()
    refreshed_at = fields.Datetime()

    def init(self):
        create_report_table(self)

    @api.model
    def _credit_check_run(self, company):
        """Only a Credit Controller working in ``company`` computes its ageing and
        its DSO."""
        user = self.env.user
        if (
            not user.has_group("credit_control.group_credit_controller")
            or company not in user.company_ids
        ):
            raise AccessError(
                self.env._(
                    "Only a Credit Controller of %(company)s can compute its ageing "
                    "and its DSO.",
                    company=company.name,
                )
            )

    @api.model
    def _credit_as_of_items(self, company, as_of):
        """The ``later`` and ``items`` common table expressions: the receivable
        items of ``company`` as they stood at the end of ``as_of``, ``(partner_id,
        due, amount)`` in company currency."""
        params = self.env["credit.exposure"]._credit_sql_params(company, as_of)
        return SQL(
            _AS_OF_ITEMS_SQL,
            as_of=as_of,
            company_ids=params["company_ids"],
            open_receivable=params["open_receivable"],
        )

    @api.model
    def _credit_bucket_sql(self, boundaries, due, as_of):
        """The index of the bucket of an amount due on ``due``, in SQL: ``due``
        compared with the first due date of each bucket, computed once."""
        firsts = ageing.bucket_first_due_dates(fields.Date.to_date(as_of), boundaries)
        return SQL(
            "CASE %s ELSE %s END",
            SQL(" ").join(
                SQL("WHEN %s >= %s THEN %s", due, first, index)
                for index, first in enumerate(firsts)
            ),
            len(firsts),
        )

    @api.model
    def _refresh(self, company, as_of):
        """Replace the company's rows by its receivables as they stood at
        ``as_of``, aged in the company's buckets."""
        # One refresh of a company at a time, as for the exposure.
        self.env["credit.check.lock"].sudo()._acquire(
            [(company.partner_id.id, company.id)]
        )
        boundaries = company._credit_ageing_boundaries()
        buckets = self.env["credit.ageing.bucket"]._credit_sync(company, boundaries)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM credit_ageing WHERE company_id = %s", company.id))
        cr.execute(
            SQL(
                "SET LOCAL jit = off; %s",
                SQL(
                    _AGEING_SQL,
                    items=self._credit_as_of_items(company, as_of),
                    bucket=self._credit_bucket_sql(boundaries, SQL("items.due"), as_of),
                    bucket_ids=buckets.ids,
                    company_id=company.id,
                    as_of=as_of,
                    now=fields.Datetime.now(),
                ),
            )
        )
        self.invalidate_model()
