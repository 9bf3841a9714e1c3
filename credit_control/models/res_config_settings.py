from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_policy_id = fields.Many2one(
        related="company_id.credit_policy_id",
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )
    credit_check_active = fields.Boolean(
        related="company_id.credit_check_active", readonly=False
    )
    credit_default_limit = fields.Monetary(
        related="company_id.credit_default_limit",
        readonly=False,
    )
    credit_guarantee_reminder_days = fields.Integer(
        related="company_id.credit_guarantee_reminder_days", readonly=False
    )
    credit_ageing_buckets = fields.Char(
        related="company_id.credit_ageing_buckets", readonly=False
    )
