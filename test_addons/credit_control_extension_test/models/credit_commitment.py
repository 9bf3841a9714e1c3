from odoo import fields, models


class CreditCommitment(models.Model):
    """Something the company promised a customer, that counts in its exposure."""

    _name = "credit.commitment"
    _description = "Credit Commitment"

    partner_id = fields.Many2one("res.partner", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary()
