from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..lib import credit_rules

REASON_CODES = [
    (credit_rules.MANUAL_HOLD, "Customer on credit hold"),
    (credit_rules.NO_LIMIT, "No credit limit"),
    (credit_rules.OVER_LIMIT, "Over credit limit"),
    (credit_rules.OVERDUE_DAYS, "Overdue too long"),
    (credit_rules.OVERDUE_AMOUNT, "Overdue amount too high"),
    (credit_rules.NEAR_LIMIT, "Near credit limit"),
]


class CreditHoldReason(models.Model):
    _name = "credit.hold.reason"
    _description = "Credit Hold Reason"
    _order = "id"

    hold_id = fields.Many2one(
        "credit.hold", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="hold_id.company_id", store=True)
    code = fields.Selection(REASON_CODES, required=True)
    message = fields.Text(required=True)

    @api.model
    def _message(self, reason, currency, partner):
        """The sentence a salesperson reads for ``reason``, with its figures."""
        values = reason.values

        def money(key):
            return formatLang(self.env, values.get(key, 0.0), currency_obj=currency)

        code = reason.code
        if code == credit_rules.MANUAL_HOLD:
            return self.env._(
                "%(partner)s is on credit hold: %(reason)s",
                partner=partner.display_name,
                reason=partner.sudo().credit_hold_reason
                or self.env._("no reason given"),
            )
        if code == credit_rules.NO_LIMIT:
            return self.env._(
                "%(partner)s has no credit limit and the policy holds such customers "
                "(order %(order)s).",
                partner=partner.display_name,
                order=money("order_amount"),
            )
        if code == credit_rules.OVER_LIMIT:
            return self.env._(
                "Exposure %(exposure)s plus this order %(order)s makes %(projected)s, "
                "over the limit of %(limit)s by %(excess)s.",
                exposure=money("exposure"),
                order=money("order_amount"),
                projected=money("projected"),
                limit=money("limit"),
                excess=money("excess"),
            )
        if code == credit_rules.OVERDUE_DAYS:
            return self.env._(
                "The oldest overdue invoice is %(days)s days late "
                "(allowed: %(max_days)s); "
                "%(overdue)s is overdue.",
                days=values["days"],
                max_days=values["max_days"],
                overdue=money("overdue"),
            )
        if code == credit_rules.OVERDUE_AMOUNT:
            return self.env._(
                "%(overdue)s is overdue, above the allowed %(max_overdue)s.",
                overdue=money("overdue"),
                max_overdue=money("max_overdue"),
            )
        return self.env._(
            "This order brings the credit utilisation to %(utilisation)s %% "
            "of the limit "
            "of %(limit)s.",
            utilisation=round(values["utilisation"]),
            limit=money("limit"),
        )
