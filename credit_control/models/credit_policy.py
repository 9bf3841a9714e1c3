from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import credit_rules


class CreditPolicy(models.Model):
    _name = "credit.policy"
    _description = "Credit Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tolerance_pct = fields.Float(
        string="Tolerance (%)",
        tracking=True,
        help="How far above its limit a customer may go before its orders are held.",
    )
    overdue_days = fields.Integer(
        string="Hold After Days Overdue",
        tracking=True,
        help="Hold orders of customers whose oldest overdue invoice is older "
        "than this. "
        "0 disables the rule.",
    )
    overdue_amount = fields.Monetary(
        string="Hold Above Overdue Amount",
        tracking=True,
        help="Hold orders of customers whose overdue amount is above this. "
        "0 disables the rule.",
    )
    no_limit_action = fields.Selection(
        [("unlimited", "Unlimited credit"), ("hold", "Hold (cash customer)")],
        string="Customers Without Limit",
        required=True,
        default="unlimited",
        tracking=True,
    )
    warning_pct = fields.Float(
        string="Warning At Utilisation (%)",
        default=80.0,
        tracking=True,
        help="Warn, without holding, when an order brings the utilisation "
        "to this level. "
        "0 disables the warning.",
    )
    note = fields.Html()

    @api.constrains("tolerance_pct", "warning_pct")
    def _check_percentages(self):
        for policy in self:
            if not 0 <= policy.tolerance_pct <= 100:
                raise ValidationError(
                    self.env._("The tolerance must lie between 0 and 100 %.")
                )
            if not 0 <= policy.warning_pct <= 100:
                raise ValidationError(
                    self.env._("The warning threshold must lie between 0 and 100 %.")
                )

    @api.constrains("overdue_days", "overdue_amount")
    def _check_overdue_thresholds(self):
        if any(p.overdue_days < 0 or p.overdue_amount < 0 for p in self):
            raise ValidationError(self.env._("Overdue thresholds cannot be negative."))

    def _rules(self):
        """The policy as the plain-Python rules evaluate it."""
        self.ensure_one()
        return credit_rules.Policy(
            tolerance_pct=self.tolerance_pct,
            overdue_days=self.overdue_days,
            overdue_amount=self.overdue_amount,
            no_limit_action=self.no_limit_action,
            warning_pct=self.warning_pct,
        )
