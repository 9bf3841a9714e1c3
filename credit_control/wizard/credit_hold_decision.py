from odoo import fields, models


class CreditHoldDecision(models.TransientModel):
    _name = "credit.hold.decision"
    _description = "Credit Hold Decision"

    hold_ids = fields.Many2many("credit.hold", string="Holds", required=True)
    decision = fields.Selection(
        [("release", "Release and confirm"), ("reject", "Reject")],
        required=True,
        default="release",
    )
    note = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        if self.decision == "release":
            self.hold_ids.action_release(self.note)
        else:
            self.hold_ids.action_reject(self.note)
        return {"type": "ir.actions.act_window_close"}
