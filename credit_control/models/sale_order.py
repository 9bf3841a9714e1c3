from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..lib import credit_rules

CREDIT_STATES = [
    ("approved", "Approved"),
    ("warning", "Approved with Warning"),
    ("hold", "On Credit Hold"),
    ("released", "Released"),
    ("rejected", "Rejected"),
    ("exceeded", "Over Limit After Confirmation"),
]


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_state = fields.Selection(
        CREDIT_STATES, string="Credit Status", readonly=True, copy=False, tracking=True
    )
    credit_hold_ids = fields.One2many("credit.hold", "order_id", string="Credit Holds")
    credit_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Credit Currency"
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_preview",
        currency_field="credit_currency_id",
    )
    credit_preview = fields.Text(
        string="Credit Warnings", compute="_compute_credit_preview"
    )
    credit_preview_blocking = fields.Boolean(compute="_compute_credit_preview")

    # Extension points

    def _credit_partner(self):
        """The customer whose credit the order uses, in the order's company."""
        self.ensure_one()
        partner = self.partner_invoice_id.commercial_partner_id._origin
        return partner.with_company(self.company_id)

    def _credit_must_check(self):
        """Whether confirming the order has to pass the credit check."""
        self.ensure_one()
        return (
            self.state in ("draft", "sent")
            and bool(self._credit_partner()._credit_policy())
            and not self._credit_paid_online()
        )

    def _credit_paid_online(self):
        self.ensure_one()
        return (
            self.currency_id.compare_amounts(self.amount_paid, self.amount_total) >= 0
        )

    def _credit_order_amount(self):
        """The order's total in company currency, at today's rate."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            fields.Date.context_today(self),
        )

    def _credit_to_lock(self):
        """Serialise the checks of the same customer in the same company."""
        self.ensure_one()
        self.env["credit.check.lock"].sudo()._acquire(
            self._credit_partner(), self.company_id
        )

    def _credit_evaluate(self, order_amount=None):
        """Run the customer's policy on this order: ``(reasons, snapshot)``."""
        self.ensure_one()
        partner = self._credit_partner()
        policy = partner._credit_policy()
        company = self.company_id
        exposure = (
            self.env["credit.exposure"]
            .sudo()
            ._compute_exposures(company, partner.ids)
            .get(partner.id, credit_rules.Exposure())
        )
        limit = partner._credit_effective_limits()[partner.id]
        amount = self._credit_order_amount() if order_amount is None else order_amount
        today = fields.Date.context_today(self)
        reasons = credit_rules.evaluate(
            policy._rules(),
            exposure,
            limit,
            amount,
            today,
            manual_hold=partner.sudo().credit_hold,
        )
        snapshot = {
            "credit_limit": limit,
            "exposure": exposure.total,
            "order_amount": amount,
            "overdue": exposure.overdue,
            "overdue_days": exposure.overdue_days(today),
            "available": credit_rules.available(limit, exposure.total),
        }
        return reasons, snapshot

    # Confirmation

    def action_confirm(self):
        if self.env.su and self.env.context.get("credit_check_skip"):
            return super().action_confirm()
        checked = self.filtered(lambda o: o._credit_must_check())
        held = self.browse()
        for order in checked:
            order._credit_to_lock()
            reasons, snapshot = order._credit_evaluate()
            if any(reason.blocking for reason in reasons):
                order._credit_hold(reasons, snapshot)
                held |= order
                continue
            if order.credit_state == "hold":
                order._credit_clear_holds(
                    self.env._("Within credit when confirmed again.")
                )
            order.sudo().credit_state = "warning" if reasons else "approved"
            if reasons:
                order._credit_log(
                    self.env._("Credit warning:"), order._credit_messages(reasons)
                )
            super(SaleOrder, order).action_confirm()
        if self - checked:
            super(SaleOrder, self - checked).action_confirm()
        if held:
            return self._credit_hold_notification(held)
        return True

    def _action_cancel(self):
        self._credit_clear_holds(self.env._("The order was cancelled."))
        return super()._action_cancel()

    def _credit_clear_holds(self, note):
        """Close the holds still waiting for review: nothing is left to decide."""
        pending = self.credit_hold_ids.filtered(lambda h: h.state == "pending")
        pending.sudo()._decide("cleared", note)

    def _credit_confirm_unchecked(self):
        return self.sudo().with_context(credit_check_skip=True).action_confirm()

    def _credit_hold(self, reasons, snapshot):
        """Keep the order a quotation, on hold, and ask the credit managers."""
        self.ensure_one()
        partner = self._credit_partner()
        messages = self._credit_messages(reasons)
        reason_values = [
            {"code": reason.code, "message": message}
            for reason, message in zip(reasons, messages, strict=True)
        ]
        hold = self.credit_hold_ids.filtered(lambda h: h.state == "pending")[:1].sudo()
        if hold:
            hold.reason_ids.unlink()
            hold.write(
                dict(
                    snapshot,
                    reason_ids=[fields.Command.create(v) for v in reason_values],
                )
            )
        else:
            hold = (
                self.env["credit.hold"]
                .sudo()
                .create(
                    dict(
                        snapshot,
                        order_id=self.id,
                        partner_id=partner.id,
                        company_id=self.company_id.id,
                        reason_ids=[fields.Command.create(v) for v in reason_values],
                    )
                )
            )
            hold._credit_notify_managers()
        self.sudo().credit_state = "hold"
        self._credit_log(self.env._("Order put on credit hold:"), messages)

    def _credit_messages(self, reasons):
        """The sentences explaining ``reasons``, in the company currency."""
        self.ensure_one()
        Reason = self.env["credit.hold.reason"]
        currency = self.company_id.currency_id
        partner = self._credit_partner()
        return [Reason._message(reason, currency, partner) for reason in reasons]

    def _credit_log(self, title, messages):
        items = Markup("").join(Markup("<li>%s</li>") % m for m in messages)
        self.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (title, items))

    def _credit_hold_notification(self, held):
        message = "\n".join(
            f"{order.name}: "
            + " ".join(order.credit_hold_ids[:1].reason_ids.mapped("message"))
            for order in held
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Order on credit hold"),
                "message": message,
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # Preview on the quotation

    @api.depends("amount_total", "partner_invoice_id", "state", "company_id")
    def _compute_credit_preview(self):
        for order in self:
            order.credit_available = 0.0
            order.credit_preview = False
            order.credit_preview_blocking = False
            partner = order.partner_invoice_id.commercial_partner_id._origin
            if order.state not in ("draft", "sent") or not partner:
                continue
            partner = partner.with_company(order.company_id)
            if not partner._credit_policy():
                order.credit_available = partner.credit_available
                continue
            reasons, snapshot = order._credit_evaluate()
            order.credit_available = snapshot["available"]
            order.credit_preview = "\n".join(order._credit_messages(reasons)) or False
            order.credit_preview_blocking = any(r.blocking for r in reasons)

    # Orders that grow after confirmation

    def _credit_check_growth(self):
        """Flag confirmed orders whose customer is now over its limit."""
        for order in self.filtered(
            lambda o: o.state == "sale"
            and o.credit_state != "exceeded"
            and o._credit_partner()._credit_policy()
        ):
            reasons, _snapshot = order._credit_evaluate(order_amount=0.0)
            over = [r for r in reasons if r.code == credit_rules.OVER_LIMIT]
            if over:
                order.sudo().credit_state = "exceeded"
                order._credit_log(
                    self.env._("Over the credit limit:"), order._credit_messages(over)
                )
                order.company_id._credit_schedule_review(
                    order,
                    self.env._(
                        "The order grew after confirmation and the customer is "
                        "over its credit limit."
                    ),
                )

    def write(self, vals):
        if (
            "credit_state" in vals
            and not self.env.su
            and not self.env.user.has_group("credit_control.group_credit_manager")
        ):
            raise AccessError(
                self.env._("Only a Credit Manager can change the credit status.")
            )
        return super().write(vals)
