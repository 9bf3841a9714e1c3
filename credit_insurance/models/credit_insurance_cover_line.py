from odoo import fields, models

from .credit_insurance_cover import DECISION_STATES


class CreditInsuranceCoverLine(models.Model):
    """One decision on a cover, kept for good."""

    _name = "credit.insurance.cover.line"
    _description = "Credit Insurance Cover Decision"
    _order = "id desc"

    cover_id = fields.Many2one(
        "credit.insurance.cover", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="cover_id.company_id", store=True)
    currency_id = fields.Many2one(related="cover_id.currency_id")
    state = fields.Selection(DECISION_STATES, string="Decision", required=True)
    amount = fields.Monetary()
    date = fields.Date(string="Decided On", required=True)
    date_effective = fields.Date(string="Effective From", required=True)
    insurer_reference = fields.Char(string="Insurer's Reference")
    user_id = fields.Many2one("res.users", string="Recorded By")
    note = fields.Char()

    _cover_idx = models.Index("(cover_id, id DESC) INCLUDE (date_effective)")
