from odoo import fields, models


class CreditInsuranceDeclarationLine(models.Model):
    _name = "credit.insurance.declaration.line"
    _description = "Credit Insurance Declaration Line"
    _order = "scope, partner_id"

    declaration_id = fields.Many2one(
        "credit.insurance.declaration", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="declaration_id.company_id", store=True)
    currency_id = fields.Many2one(related="declaration_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Buyer", required=True)
    insurer_reference = fields.Char(string="Insurer's Buyer Reference")
    country_id = fields.Many2one("res.country")
    scope = fields.Selection(
        [("domestic", "Domestic"), ("export", "Export")], required=True
    )
    amount = fields.Monetary()
