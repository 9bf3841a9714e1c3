from odoo import Command, api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import backtest
from .credit_payment_behaviour import INVOICE_RECEIVABLE_SQL
from .credit_scoring import CONTROLLER_GROUP

# What follows a score: the invoices falling due in the next WINDOW_DAYS days.
WINDOW_DAYS = 90
# An invoice paid, or still unpaid, more than LATE_DAYS days after it fell due is
# late; more than DEFAULT_DAYS days, it is a default.
LATE_DAYS = 30
DEFAULT_DAYS = 90
# Rows fetched from the database at a time.
BATCH = 10000

# An invoice is written off when something settles it that is neither a payment, a
# bank statement line, a credit note nor an exchange difference: a journal entry
# (``paid_by_move``) that moves no cash.
_WRITE_OFF_SQL = """
paid_by_move.move_type = 'entry'
AND paid_by_move.origin_payment_id IS NULL
AND paid_by_move.statement_line_id IS NULL
AND NOT EXISTS (SELECT 1 FROM account_partial_reconcile exchange
                 WHERE exchange.exchange_move_id = paid_by_move.id)
AND NOT EXISTS (SELECT 1 FROM account_move_line cash
                  JOIN account_account account ON account.id = cash.account_id
                 WHERE cash.move_id = paid_by_move.id
                   AND account.account_type = 'asset_cash')
"""

# Every observation of a company with what followed it.  ``bad_items`` are the
# customer invoices settled (or, still open, today) too late, or written off: the
# date an invoice is settled is the latest of what reconciled it, as the payment
# behaviour reads it.  An observation is late or a default when such an invoice
# fell due in its window; it counts once its window has ended or its outcome is
# bad already.  ``other_defaults`` are the add-ons' (legal escalations).
_OBSERVATIONS_SQL = """
WITH observations AS (
    SELECT history.id, history.scorecard_id, history.grade_id, history.partner_id,
           history.score, history.date,
           history.date + %(window_days)s AS window_end
      FROM credit_score_history history
     WHERE history.company_id = %(company_id)s
       AND history.insufficient IS NOT TRUE
       AND history.date < %(today)s
),
bad_items AS (
    SELECT partner_id, due, late, defaulted
      FROM (SELECT partner.commercial_partner_id AS partner_id,
                   aml.date_maturity AS due,
                   settlement.date > aml.date_maturity + %(late_days)s AS late,
                   settlement.written_off
                       OR settlement.date > aml.date_maturity + %(default_days)s
                       AS defaulted
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             CROSS JOIN LATERAL (
                   SELECT CASE WHEN aml.reconciled
                               THEN COALESCE(MAX(partial.max_date), %(today)s)
                               ELSE %(today)s END AS date,
                          COALESCE(BOOL_OR(%(write_off)s), FALSE) AS written_off
                     FROM account_partial_reconcile partial
                     JOIN account_move_line paid_by
                       ON paid_by.id = partial.credit_move_id
                     JOIN account_move paid_by_move
                       ON paid_by_move.id = paid_by.move_id
                    WHERE partial.debit_move_id = aml.id) settlement
             WHERE %(invoice_receivable)s
               AND aml.date_maturity > (SELECT MIN(date) FROM observations)
               AND partner.commercial_partner_id IN (
                   SELECT partner_id FROM observations)) item
     WHERE late OR defaulted
),
outcomes AS (
    SELECT observations.id,
           BOOL_OR(bad_items.late) AS late,
           BOOL_OR(bad_items.defaulted) AS defaulted
      FROM observations
      JOIN bad_items ON bad_items.partner_id = observations.partner_id
                    AND bad_items.due > observations.date
                    AND bad_items.due <= observations.window_end
  GROUP BY observations.id
),
other_defaults AS (%(other_defaults)s),
judged AS (
    SELECT observations.*,
           COALESCE(outcomes.late, FALSE) AS late,
           COALESCE(outcomes.defaulted, FALSE)
               OR EXISTS (SELECT 1 FROM other_defaults
                           WHERE other_defaults.id = observations.id) AS defaulted
      FROM observations
      LEFT JOIN outcomes USING (id)
)
SELECT id, scorecard_id, grade_id, partner_id, score, late, defaulted
  FROM judged
 WHERE window_end <= %(today)s OR late OR defaulted
"""


class CreditBacktest(models.Model):
    """A back-test of a scorecard version: its scores of the past against what
    followed them.

    An observation is a score history line with enough data.  It is LATE when a
    customer invoice of the customer in the company (or its branches) falling due
    in the 90 days after the score was paid more than 30 days after it fell due,
    or was still unpaid more than 30 days after; it is a DEFAULT when such an
    invoice was still unpaid more than 90 days after it fell due, or was written
    off (settled by a journal entry that is neither a payment, a bank statement
    line, a credit note nor an exchange difference, and moves no cash), or when
    an add-on says so (a legal escalation, :meth:`_credit_backtest_defaults_sql`).
    It counts once its 90 days are over, or earlier when it is late or a default
    already.  Outcomes are read as of the day of the run.  AUC and KS measure how
    well the score told the late or defaulted observations (bad) from the others;
    the run's lines give the figures per grade.
    """

    _name = "credit.backtest"
    _description = "Scorecard Back-test"
    _order = "date desc, scorecard_version desc, id desc"
    _rec_name = "scorecard_id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date = fields.Date(string="Run On", required=True, index=True)
    latest = fields.Boolean(
        string="Latest Run", index=True, help="The company's last back-test."
    )
    scorecard_id = fields.Many2one(
        "credit.scorecard", required=True, index=True, ondelete="cascade"
    )
    scorecard_version = fields.Integer(
        related="scorecard_id.version", store=True, string="Version"
    )
    observations = fields.Integer(
        help="Scores whose outcome is known: their 90 days are over, or the "
        "customer was late or defaulted already."
    )
    customers = fields.Integer(help="Distinct customers of the observations.")
    late_count = fields.Integer(string="Late")
    late_rate = fields.Float(
        string="Late Rate (%)",
        digits=(16, 2),
        aggregator="avg",
        help="Share of the observations followed, within 90 days, by an invoice "
        "paid or still unpaid more than 30 days after it fell due.",
    )
    default_count = fields.Integer(string="Defaults")
    default_rate = fields.Float(
        string="Default Rate (%)",
        digits=(16, 2),
        aggregator="avg",
        help="Share of the observations followed, within 90 days, by an invoice "
        "still unpaid 90 days after it fell due, or written off.",
    )
    measurable = fields.Boolean(
        string="Separation Measured",
        help="AUC and KS need both good and bad (late or defaulted) observations.",
    )
    auc = fields.Float(
        string="AUC",
        digits=(16, 4),
        aggregator="avg",
        help="Probability that a good observation scored above a bad one: 0.5 is "
        "chance, 1 a perfect scorecard.",
    )
    ks = fields.Float(
        string="KS",
        digits=(16, 4),
        aggregator="avg",
        help="Largest gap between the cumulative score distributions of the good "
        "and the bad observations: 0 tells them apart not at all, 1 fully.",
    )
    line_ids = fields.One2many("credit.backtest.line", "backtest_id", string="Grades")

    _company_date_scorecard_uniq = models.Constraint(
        "UNIQUE(company_id, date, scorecard_id)",
        "A scorecard is back-tested once a day per company.",
    )

    # Extension point

    @api.model
    def _credit_backtest_defaults_sql(self):
        """SELECTs of the ``id`` of the observations that defaulted for another
        reason than their invoices, all in the back-test query; add-ons append
        theirs (a legal escalation) with ``super()``.

        Each may read the ``observations`` CTE (``id``, ``partner_id`` the
        commercial partner, ``date``, ``window_end``...) and the parameters
        ``today``, ``company_id`` and ``company_ids``.
        """
        return []

    # The query

    @api.model
    def _credit_backtest_observations(self, company, today):
        """Every observation of ``company`` whose outcome is known on ``today``:
        ``(history id, scorecard id, grade id, customer id, score, late,
        default)``, in one query, fetched in batches."""
        shared = self.env["credit.exposure"]._credit_sql_params(company, today)
        params = {
            "today": today,
            "company_id": company.id,
            "company_ids": shared["company_ids"],
        }
        parts = [SQL(part, **params) for part in self._credit_backtest_defaults_sql()]
        other_defaults = (
            SQL(" UNION ALL ").join(parts)
            if parts
            else SQL("SELECT NULL::int AS id WHERE FALSE")
        )
        # Every part may read any table (an add-on's too): write what is pending.
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                _OBSERVATIONS_SQL,
                window_days=WINDOW_DAYS,
                late_days=LATE_DAYS,
                default_days=DEFAULT_DAYS,
                invoice_receivable=SQL(
                    INVOICE_RECEIVABLE_SQL, company_ids=shared["company_ids"]
                ),
                write_off=SQL(_WRITE_OFF_SQL),
                other_defaults=other_defaults,
                **params,
            )
        )
        while rows := cr.fetchmany(BATCH):
            yield from rows

    # The run

    def action_run(self):
        """Back-test the current company's scorecards now, replacing today's
        runs, and open the runs."""
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can run a back-test.")
            )
        self.sudo()._run(self.env.company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_backtest_action"
        )

    @api.model
    def _run(self, company):
        """Replace the company's runs of today by a back-test of every scorecard
        version that scored its customers; return the new runs."""
        # One run of a company at a time, on the lock row of the company's own
        # partner (as the exposure refresh): the second waits, then is retried.
        self.env["credit.check.lock"]._acquire([(company.partner_id.id, company.id)])
        today = fields.Date.context_today(self)
        self.search([("company_id", "=", company.id), ("date", "=", today)]).unlink()
        self.search([("company_id", "=", company.id), ("latest", "=", True)]).write(
            {"latest": False}
        )
        results = backtest.backtest(
            row[1:] for row in self._credit_backtest_observations(company, today)
        )
        return self.create(
            [
                {
                    "company_id": company.id,
                    "date": today,
                    "latest": True,
                    "scorecard_id": scorecard_id,
                    **_figures(result.outcome),
                    "measurable": result.auc is not None,
                    "auc": result.auc or 0.0,
                    "ks": result.ks or 0.0,
                    "line_ids": [
                        Command.create(
                            {"grade_id": grade_id or False, **_figures(outcome)}
                        )
                        for grade_id, outcome in result.grades.items()
                    ],
                }
                for scorecard_id, result in results.items()
            ]
        )


def _figures(outcome):
    """The fields of a :class:`backtest.Outcome`."""
    return {
        "observations": outcome.observations,
        "customers": outcome.customers,
        "late_count": outcome.lates,
        "late_rate": outcome.late_rate,
        "default_count": outcome.defaults,
        "default_rate": outcome.default_rate,
    }
