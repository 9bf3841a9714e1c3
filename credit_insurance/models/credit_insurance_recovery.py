from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import coverage


class CreditInsuranceRecovery(models.Model):
    """An amount recovered from the buyer after a claim, shared with the insurer."""

    _name = "credit.insurance.recovery"
    _description = "Credit Insurance Recovery"
    _order = "date, id"

    claim_id = fields.Many2one(
        "credit.insurance.claim", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True)
    insurer_share = fields.Monetary(
        compute="_compute_insurer_share", store=True, string="Insurer's Share"
    )
    note = fields.Char()

    @api.depends("amount", "claim_id.insured_pct")
    def _compute_insurer_share(self):
        for recovery in self:
            recovery.insurer_share = recovery.currency_id.round(
                coverage.insurer_share(recovery.amount, recovery.claim_id.insured_pct)
            )

    @api.constrains("amount")
    def _check_amount(self):
        if any(recovery.amount <= 0 for recovery in self):
            raise ValidationError(self.env._("A recovery is a positive amount."))
