from odoo import fields, models


class CreditInsuranceDeliveryRelease(models.TransientModel):
    """A Credit Manager lets a delivery go despite the credit insurer, saying why."""

    _name = "credit.insurance.delivery.release"
    _description = "Release a Delivery Blocked by Credit Insurance"

    picking_id = fields.Many2one("stock.picking", string="Delivery", required=True)
    block_message = fields.Text(related="picking_id.credit_insurance_block_message")
    note = fields.Char(string="Why", required=True)

    def action_confirm(self):
        self.ensure_one()
        self.picking_id.action_credit_insurance_release(self.note)
        return {"type": "ir.actions.act_window_close"}
