from odoo import fields, models


class CreditDispute(models.TransientModel):
    """Flag customer invoices as disputed, with the customer's reason."""

    _name = "credit.dispute"
    _description = "Invoice Dispute"

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.move_ids.action_credit_dispute(self.reason)
        return {"type": "ir.actions.act_window_close"}
