from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..lib import credit_rules


class CreditHoldReason(models.Model):
    """Why an order was held: a reason code and its figures, explained when read."""

    _name = "credit.hold.reason"
    _description = "Credit Hold Reason"
    _order = "id"

    hold_id = fields.Many2one(
        "credit.hold", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="hold_id.company_id", store=True)
    code = fields.Char(required=True, readonly=True)
    blocking = fields.Boolean(default=True, readonly=True)
    values = fields.Json(readonly=True)
    label = fields.Char(string="Reason", compute="_compute_message")
    message = fields.Text(compute="_compute_message")

    @api.depends("code", "values")
    @api.depends_context("lang")
    def _compute_message(self):
        labels = self._credit_reason_labels()
        for reason in self:
            reason.label = labels.get(reason.code, reason.code)
            reason.message = self._message(
                reason.code, reason.values or {}, reason.hold_id.currency_id
            )

    # Extension points

    @api.model
    def _credit_reason_labels(self):
        """A short label per reason code; add-ons add theirs with ``super()``."""
        return {
            credit_rules.BLOCKED: self.env._("Customer blocked"),
            credit_rules.NO_LIMIT: self.env._("No credit limit"),
            credit_rules.OVER_LIMIT: self.env._("Over credit limit"),
            credit_rules.GROUP_OVER_LIMIT: self.env._("Over group limit"),
            credit_rules.OVERDUE_DAYS: self.env._("Overdue too long"),
            credit_rules.OVERDUE_AMOUNT: self.env._("Overdue amount too high"),
            credit_rules.NEAR_LIMIT: self.env._("Near credit limit"),
        }

    @api.model
    def _message(self, code, values, currency):
        """The sentence a salesperson reads for reason ``code`` with its figures.

        Add-ons explain their own codes and call ``super()`` for the others.
        """

        if not values:  # recorded before reasons kept their figures
            return self._credit_reason_labels().get(code, code)

        def money(key):
            return formatLang(self.env, values.get(key, 0.0), currency_obj=currency)

        if code == credit_rules.BLOCKED:
            origins = dict(
                self.env["credit.block"]
                ._fields["origin"]
                ._description_selection(self.env)
            )
            return "\n".join(
                self.env._(
                    "Customer blocked (%(origin)s): %(note)s",
                    origin=origins.get(block["origin"], block["origin"]),
                    note=block["note"] or self.env._("no reason given"),
                )
                for block in values.get("blocks", [])
            )
        if code == credit_rules.NO_LIMIT:
            return self.env._(
                "The customer has no credit limit and the policy holds such customers "
                "(order %(order)s).",
                order=money("order_amount"),
            )
        if code == credit_rules.OVER_LIMIT:
            return self.env._(
                "Exposure %(exposure)s plus this order %(order)s makes %(projected)s, "
                "over the credit limit of %(limit)s by %(excess)s.",
                exposure=money("exposure"),
                order=money("order_amount"),
                projected=money("projected"),
                limit=money("limit"),
                excess=money("excess"),
            )
        if code == credit_rules.GROUP_OVER_LIMIT:
            group = self.env["credit.group"].sudo().browse(values["group_id"]).exists()
            return self.env._(
                "The group %(group)s owes %(exposure)s; with this order %(order)s it "
                "would owe %(projected)s, over its group limit of %(limit)s by "
                "%(excess)s.",
                group=group.name or "?",
                exposure=money("group_exposure"),
                order=money("order_amount"),
                projected=money("group_projected"),
                limit=money("group_limit"),
                excess=money("group_excess"),
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
        if code == credit_rules.NEAR_LIMIT:
            return self.env._(
                "This order brings the credit utilisation to %(utilisation)s %% "
                "of the credit limit of %(limit)s.",
                utilisation=round(values["utilisation"]),
                limit=money("limit"),
            )
        return self._credit_reason_labels().get(code, code)
