from odoo import api, fields, models


class CreditScoreHistory(models.Model):
    """A customer's score on a day: its grade, the limit it suggests, and why."""

    _name = "credit.score.history"
    _description = "Credit Score History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, index=True)
    score = fields.Float(aggregator="avg")
    grade_id = fields.Many2one("credit.grade", index=True)
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

    def _credit_follow_up(self, previous):
        """Act on the customers whose grade fell since ``previous`` (commercial
        partner id -> grade): a review for the credit managers and, as the
        customer's policy says, a lower limit, a limit request or a block.  Scores
        resting on too little data are not acted on."""
        for line in self.filtered(lambda h: h.grade_id and not h.insufficient):
            before = previous.get(line.partner_id.id)
            if not before or line.grade_id.min_score >= before.min_score:
                continue
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
            line.company_id._credit_schedule_review(
                partner,
                lambda env, line=line, before=before: env._(
                    "The credit grade of %(partner)s fell from %(before)s to "
                    "%(after)s (score %(score)s): review its limit.",
                    partner=line.partner_id.display_name,
                    before=before.code,
                    after=line.grade_id.code,
                    score=line.score,
                ),
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
