from odoo import fields, models


class CreditDunningWizardLine(models.TransientModel):
    """A communication today's dunning run would send."""

    _name = "credit.dunning.wizard.line"
    _description = "Dunning Preview Line"

    wizard_id = fields.Many2one(
        "credit.dunning.wizard", required=True, ondelete="cascade"
    )
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    level_id = fields.Many2one("credit.dunning.level", readonly=True)
    invoice_count = fields.Integer(string="Invoices Reaching It", readonly=True)
    total = fields.Monetary(string="Amount Due", readonly=True)
    fee = fields.Monetary(readonly=True)
    interest = fields.Monetary(string="Late Interest", readonly=True)
