from odoo import fields, models

from ..models.credit_insurance_cover import DECISION_STATES


class CreditInsuranceDecision(models.TransientModel):
    """The insurer's decision on a cover, as the credit manager records it."""

    _name = "credit.insurance.decision"
    _description = "Insurer's Decision on a Cover"

    cover_id = fields.Many2one("credit.insurance.cover", required=True)
    currency_id = fields.Many2one(related="cover_id.currency_id")
    state = fields.Selection(
        [s for s in DECISION_STATES if s[0] not in ("requested", "expired")],
        string="Decision",
        required=True,
        default="approved",
    )
    amount = fields.Monetary(string="Amount Approved")
    date = fields.Date(
        string="Decided On", required=True, default=fields.Date.context_today
    )
    date_effective = fields.Date(
        string="Effective From",
        required=True,
        default=fields.Date.context_today,
        help="A reduction or a withdrawal usually takes effect some days after the "
        "notice: the cover keeps its amount until then.",
    )
    insurer_reference = fields.Char(string="Insurer's Reference")
    note = fields.Char()

    def action_confirm(self):
        self.ensure_one()
        self.cover_id._record_decision(
            self.state,
            self.amount,
            self.date,
            self.date_effective,
            self.insurer_reference,
            self.note,
        )
        return {"type": "ir.actions.act_window_close"}
