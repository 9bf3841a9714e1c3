from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from .res_partner import CREDIT_READERS


def _score_field(field_type, string, **kwargs):
    return field_type(
        string=string, compute="_compute_credit_score", groups=CREDIT_READERS, **kwargs
    )


class ResPartner(models.Model):
    """The customer's latest credit score in the current company."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_score = _score_field(fields.Float, "Credit Score")
    credit_grade_id = _score_field(
        fields.Many2one, "Credit Grade", comodel_name="credit.grade"
    )
    credit_proposed_limit = _score_field(fields.Float, "Proposed Limit")
    credit_score_date = _score_field(fields.Date, "Scored On")
    credit_next_review = _score_field(fields.Date, "Next Review")
    credit_score_insufficient = _score_field(fields.Boolean, "Insufficient Data")
    credit_score_reasons = _score_field(fields.Text, "Score Reasons")

    @api.depends_context("company")
    def _compute_credit_score(self):
        roots = self.commercial_partner_id
        latest = {}
        for line in (
            self.env["credit.score.history"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", roots.ids),
                    ("company_id", "=", self.env.company.id),
                ],
                order="date desc, id desc",
            )
        ):
            latest.setdefault(line.partner_id.id, line)
        for partner in self:
            line = latest.get(partner.commercial_partner_id.id)
            grade = line.grade_id if line else self.env["credit.grade"]
            partner.credit_score = line.score if line else 0.0
            partner.credit_grade_id = grade
            partner.credit_proposed_limit = line.proposed_limit if line else 0.0
            partner.credit_score_date = line.date if line else False
            partner.credit_next_review = (
                line.date + relativedelta(months=grade.review_months)
                if grade
                else False
            )
            partner.credit_score_insufficient = line.insufficient if line else False
            partner.credit_score_reasons = line.reason_text if line else False

    def action_credit_score_now(self):
        """Score the customer now with the company's active scorecard."""
        self.env["credit.scoring"]._score_partners(self)
        return True

    def action_credit_open_scores(self):
        """The customer's score history, as a line of its score over time first."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_score_history_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["views"] = sorted(action["views"], key=lambda view: view[1] != "graph")
        return action
