from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import copy_rows

# What _credit_insert() writes of each line.
INSERT_COLUMNS = (
    "partner_id",
    "company_id",
    "date",
    "score",
    "grade_id",
    "proposed_limit",
    "insufficient",
    "scorecard_id",
    "reasons",
)


class CreditScoreHistory(models.Model):
    """A customer's score on a day: its grade, the limit it suggests, and why."""

    _name = "credit.score.history"
    _description = "Credit Score History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    # the day's unique constraint indexes it, partner first
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, index=True)
    score = fields.Float(aggregator="avg")
    grade_id = fields.Many2one("credit.grade")
    proposed_limit = fields.Monetary()
    insufficient = fields.Boolean(string="Insufficient Data")
    scorecard_id = fields.Many2one("credit.scorecard", required=True)
    scorecard_version = fields.Integer(related="scorecard_id.version", store=True)
    reasons = fields.Json(string="Reason Figures", readonly=True)
    reason_text = fields.Text(string="Reasons", compute="_compute_reason_text")

    _day_uniq = models.Constraint(
        "unique(partner_id, company_id, date)",
        "A customer is scored once a day per company.",
    )

    @api.depends("reasons")
    @api.depends_context("lang")
    def _compute_reason_text(self):
        labels = dict(
            self.env["credit.scorecard.factor"]
            ._fields["feature"]
            ._description_selection(self.env)
        )
        for line in self:
            line.reason_text = "\n".join(
                self._reason_sentence(labels.get(r["code"], r["code"]), r)
                for r in line.reasons or []
            )

    @api.model
    def _credit_insert(self, vals_list):
        """Insert the lines of ``vals_list`` (one per customer, company and day) at
        once, as the scoring writes thousands; return them in that order.  Each
        value gives every field of ``INSERT_COLUMNS``; the version is the
        scorecard's.  No ``create`` override runs."""
        if not vals_list:
            return self.browse()
        cards = self.env["credit.scorecard"].browse(
            {vals["scorecard_id"] for vals in vals_list}
        )
        version = {card.id: card.version for card in cards}
        uid, now = self.env.uid, self.env.cr.now()
        copy_rows(
            self.env.cr,
            self._table,
            [*INSERT_COLUMNS, "scorecard_version"]
            + ["create_uid", "create_date", "write_uid", "write_date"],
            (
                (
                    *(vals[name] for name in INSERT_COLUMNS),
                    version[vals["scorecard_id"]],
                    *(uid, now, uid, now),
                )
                for vals in vals_list
            ),
        )
        keys = ("partner_id", "company_id", "date")
        rows = self.env.execute_query(
            SQL(
                """SELECT line.partner_id, line.company_id, line.date, line.id
                     FROM credit_score_history line
                     JOIN unnest(%s::int[], %s::int[], %s::date[])
                          AS written(partner_id, company_id, date)
                    USING (partner_id, company_id, date)""",
                *([vals[key] for vals in vals_list] for key in keys),
            )
        )
        ids = {tuple(row[:3]): row[3] for row in rows}
        return self.browse(
            [ids[tuple(vals[key] for key in keys)] for vals in vals_list]
        )

    def _credit_follow_up(self, previous):
        """Act on these lines, whose grade fell since ``previous`` (commercial
        partner id -> grade) on enough data: a review for the credit managers and,
        as the customer's policy says, a lower limit, a limit request or a block."""
        reviews = defaultdict(list)
        for line in self:
            before = previous[line.partner_id.id]
            partner = line.partner_id.with_company(line.company_id).sudo()
            policy = partner._credit_policy()
            action = policy.score_downgrade_action if policy else "review"
            reason = self.env._(
                "Grade fell from %(before)s to %(after)s.",
                before=before.code,
                after=line.grade_id.code,
            )
            lower = (
                line.currency_id.compare_amounts(
                    line.proposed_limit, partner.credit_limit
                )
                < 0
            )
            if action == "lower_limit" and lower:
                partner.with_context(
                    credit_limit_source="scoring", credit_limit_reason=reason
                ).credit_limit = line.proposed_limit
            elif action == "request" and lower:
                self.env["credit.limit.request"]._credit_request_lower_limit(
                    partner, line.company_id, line.proposed_limit, reason
                )
            elif action == "block":
                self.env["credit.block"].sudo()._place(
                    partner, line.company_id, "score", reason
                )
            reviews[line.company_id].append((line, before))
        for company, fallen in reviews.items():
            company._credit_schedule_reviews(
                self.env["res.partner"].concat(
                    *(line.partner_id for line, _ in fallen)
                ),
                [
                    lambda env, line=line, before=before: env._(
                        "The credit grade of %(partner)s fell from %(before)s to "
                        "%(after)s (score %(score)s): review its limit.",
                        partner=line.partner_id.display_name,
                        before=before.code,
                        after=line.grade_id.code,
                        score=line.score,
                    )
                    for line, before in fallen
                ],
            )

    def _reason_sentence(self, label, reason):
        if reason.get("missing"):
            return self.env._("%(factor)s: no data, neutral points", factor=label)
        return self.env._(
            "%(factor)s: %(value)s, %(impact)s points",
            factor=label,
            value=_figure(reason["value"]),
            impact=f"{reason['impact']:+.0f}",
        )


def _figure(value):
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 100 else f"{value:,.0f}"
    return value
