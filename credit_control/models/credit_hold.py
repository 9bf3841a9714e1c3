from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .sale_order import MANAGER_GROUP, credit_engine, is_credit_engine

# What the check records when it holds an order and what the decisions record:
# nobody writes them by hand, not even a credit manager.
ENGINE_FIELDS = {
    "order_id",
    "partner_id",
    "company_id",
    "order_partner_id",
    "invoice_partner_id",
    "state",
    "reason_ids",
    "credit_limit",
    "exposure",
    "order_amount",
    "overdue",
    "overdue_days",
    "available",
    "decision_user_id",
    "decision_date",
    "decision_note",
}


class CreditHold(models.Model):
    """A credit decision to take: an order held at confirmation, with its figures."""

    _name = "credit.hold"
    _description = "Credit Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(readonly=True)
    order_id = fields.Many2one(
        "sale.order", ondelete="set null", index=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    order_partner_id = fields.Many2one(
        "res.partner", string="Order Customer", readonly=True
    )
    invoice_partner_id = fields.Many2one(
        "res.partner", string="Invoice Address", readonly=True
    )
    user_id = fields.Many2one(
        related="order_id.user_id", string="Salesperson", store=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        [
            ("pending", "To Review"),
            ("released", "Released"),
            ("rejected", "Rejected"),
            ("cleared", "Cleared"),
        ],
        default="pending",
        required=True,
        tracking=True,
        index=True,
    )
    reason_ids = fields.One2many("credit.hold.reason", "hold_id", string="Reasons")
    reason_summary = fields.Char(
        string="Reasons Summary", compute="_compute_reason_summary"
    )
    credit_limit = fields.Monetary(string="Limit", readonly=True)
    exposure = fields.Monetary(readonly=True)
    order_amount = fields.Monetary(readonly=True)
    overdue = fields.Monetary(readonly=True)
    overdue_days = fields.Integer(string="Days Overdue", readonly=True)
    available = fields.Monetary(string="Available Credit", readonly=True)
    decision_user_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(string="Decided On", readonly=True)
    decision_note = fields.Text(readonly=True)

    @api.depends("reason_ids.code")
    @api.depends_context("lang")
    def _compute_reason_summary(self):
        labels = self.env["credit.hold.reason"]._credit_reason_labels()
        for hold in self:
            hold.reason_summary = ", ".join(
                labels.get(r.code, r.code) for r in hold.reason_ids
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not is_credit_engine(self.env):
            raise AccessError(self.env._("Credit holds are made by the credit check."))
        return super().create(vals_list)

    def write(self, vals):
        if ENGINE_FIELDS.intersection(vals) and not is_credit_engine(self.env):
            raise AccessError(
                self.env._(
                    "A credit hold's figures and decision are written by the credit "
                    "check and the decisions only."
                )
            )
        return super().write(vals)

    def _check_decision(self, note):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Manager can release or reject a credit hold.")
            )
        if not isinstance(note, str) or not note.strip():
            raise UserError(self.env._("Write why you take this decision."))
        if any(hold.state != "pending" for hold in self):
            raise UserError(self.env._("Only holds waiting for review can be decided."))

    def _decide(self, state, note):
        credit_engine(self).write(
            {
                "state": state,
                "decision_user_id": self.env.uid,
                "decision_date": fields.Datetime.now(),
                "decision_note": note,
            }
        )
        self.activity_feedback(
            ["credit_control.mail_activity_credit_review"], feedback=note
        )

    def action_release(self, note):
        """Release the holds and confirm their orders, without checking them again.

        Refused when the order is gone, grew, or no longer has the customer, invoice
        address and company it was held for: confirming it again checks it anew.
        """
        self._check_decision(note)
        for hold in self:
            order = hold.order_id.sudo()
            if not order:
                raise UserError(
                    self.env._("The order of %(hold)s was deleted.", hold=hold.name)
                )
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Order %(order)s is no longer a quotation.", order=order.name
                    )
                )
            if (
                order._credit_partner() != hold.partner_id
                or order.partner_id != hold.order_partner_id
                or order.partner_invoice_id != hold.invoice_partner_id
                or order.company_id != hold.company_id
            ):
                raise UserError(
                    self.env._(
                        "Order %(order)s changed customer, invoice address or company "
                        "since it was held; confirm it again to have it checked.",
                        order=order.name,
                    )
                )
            grown = hold.currency_id.compare_amounts(
                order._credit_order_amount(), hold.order_amount
            )
            if grown > 0:
                raise UserError(
                    self.env._(
                        "Order %(order)s has grown since it was held; "
                        "confirm it again to have it checked.",
                        order=order.name,
                    )
                )
        self.sudo()._decide("released", note)
        for hold in credit_engine(self.sudo()):
            hold.order_id.credit_state = "released"
            hold.order_id.action_confirm()
            hold._log_decision(self.env._("Credit hold released"), note)
        return True

    def action_reject(self, note):
        """Refuse the credit: the order stays a quotation."""
        self._check_decision(note)
        self.sudo()._decide("rejected", note)
        for hold in credit_engine(self.sudo()):
            hold.order_id.credit_state = "rejected"
            hold._log_decision(self.env._("Credit hold rejected"), note)
        return True

    def _log_decision(self, title, note):
        """Log the decision on the order and the hold, and tell the salesperson."""
        body = self.env._(
            "%(title)s by %(user)s: %(note)s",
            title=title,
            user=self.env.user.name,
            note=note,
        )
        salesperson = self.order_id.user_id
        notified = (salesperson.partner_id - self.env.user.partner_id).ids
        self.order_id.message_post(
            body=body, subtype_xmlid="mail.mt_note", partner_ids=notified
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")

    def action_open_decision(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Decision"),
            "res_model": "credit.hold.decision",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_hold_ids": self.ids,
                "default_decision": self.env.context.get("credit_decision", "release"),
            },
        }

    def _credit_notify_managers(self):
        for hold in self:
            hold.company_id._credit_schedule_review(
                hold,
                lambda env, hold=hold: env._(
                    "%(order)s for %(partner)s is on credit hold: %(reasons)s",
                    order=hold.name,
                    partner=hold.partner_id.display_name,
                    reasons=hold.with_env(env).reason_summary,
                ),
            )

    # Internal discussion: a hold is never addressed to the customer

    @api.model
    def _mail_get_partner_fields(self, introspect_fields=False):
        """The customer is not a default or suggested recipient of a hold's messages."""
        return []

    def message_post(self, **kwargs):
        partners = (
            self.env["res.partner"].sudo().browse(kwargs.get("partner_ids") or [])
        )
        external = partners.filtered(
            lambda p: not p.user_ids.filtered(lambda u: not u.share)
        )
        if external or kwargs.get("outgoing_email_to"):
            raise UserError(
                self.env._(
                    "A credit hold is discussed internally: address colleagues only, "
                    "not %(recipients)s.",
                    recipients=", ".join(external.mapped("display_name"))
                    or kwargs.get("outgoing_email_to"),
                )
            )
        return super().message_post(**kwargs)

    def action_request_release(self):
        """Ask the company's credit managers, in an internal note, to review the holds.

        Whoever may read a hold (the salesperson of its order) may ask; the note is
        posted as superuser since a salesperson only reads holds."""
        self.check_access("read")
        if any(hold.state != "pending" for hold in self):
            raise UserError(
                self.env._("Only holds waiting for review can be asked for release.")
            )
        for hold in self.sudo():
            managers = hold.company_id._credit_managers()
            if not managers:
                raise UserError(
                    self.env._(
                        "No Credit Manager works for %(company)s to review %(hold)s.",
                        company=hold.company_id.name,
                        hold=hold.name,
                    )
                )
            hold.message_post(
                body=self.env._(
                    "%(user)s asks for the release of %(hold)s.",
                    user=self.env.user.name,
                    hold=hold.name,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
                partner_ids=managers.partner_id.ids,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Release requested"),
                "message": self.env._("The credit managers have been notified."),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
