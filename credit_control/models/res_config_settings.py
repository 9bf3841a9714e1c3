from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_policy_id = fields.Many2one(
        related="company_id.credit_policy_id",
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )
