from odoo import fields, models


class CreditLimitRequestDecision(models.TransientModel):
    """Approve or reject the current level of a credit limit request, with a
    note."""

    _name = "credit.limit.request.decision"
    _description = "Credit Limit Request Decision"

    request_id = fields.Many2one(
        "credit.limit.request", required=True, ondelete="cascade"
    )
    decision = fields.Selection(
        [("approve", "Approve"), ("reject", "Reject")],
        required=True,
        default="approve",
    )
    note = fields.Text(help="Required to reject.")

    def action_apply(self):
        self.ensure_one()
        if self.decision == "approve":
            self.request_id.action_approve(self.note)
        else:
            self.request_id.action_reject(self.note)
        return {"type": "ir.actions.act_window_close"}
