from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "credit_control.group_credit_manager"


class CreditHold(models.Model):
    """A credit decision to take: an order held at confirmation, with its figures."""

    _name = "credit.hold"
    _description = "Credit Hold"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(related="order_id.name", store=True)
    order_id = fields.Many2one(
        "sale.order", required=True, ondelete="cascade", index=True, check_company=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
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
    def _compute_reason_summary(self):
        labels = dict(
            self.env["credit.hold.reason"]
            ._fields["code"]
            ._description_selection(self.env)
        )
        for hold in self:
            hold.reason_summary = ", ".join(labels[r.code] for r in hold.reason_ids)

    def _check_decision(self, note):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Manager can release or reject a credit hold.")
            )
        if not (note or "").strip():
            raise UserError(self.env._("Write why you take this decision."))
        if any(hold.state != "pending" for hold in self):
            raise UserError(self.env._("Only holds waiting for review can be decided."))

    def _decide(self, state, note):
        self.write(
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
        """Release the holds and confirm their orders, without checking them again."""
        self._check_decision(note)
        for hold in self:
            order = hold.order_id.sudo()
            if order.state not in ("draft", "sent"):
                raise UserError(
                    self.env._(
                        "Order %(order)s is no longer a quotation.", order=order.name
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
        for hold in self.sudo():
            hold.order_id.credit_state = "released"
            hold.order_id._credit_confirm_unchecked()
            hold._log_decision(self.env._("Credit hold released"), note)
        return True

    def action_reject(self, note):
        """Refuse the credit: the order stays a quotation."""
        self._check_decision(note)
        self.sudo()._decide("rejected", note)
        for hold in self.sudo():
            hold.order_id.credit_state = "rejected"
            hold._log_decision(self.env._("Credit hold rejected"), note)
        return True

    def _log_decision(self, title, note):
        body = self.env._(
            "%(title)s by %(user)s: %(note)s",
            title=title,
            user=self.env.user.name,
            note=note,
        )
        self.order_id.message_post(body=body)
        self.message_post(body=body)

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
                self.env._(
                    "%(order)s for %(partner)s is on credit hold: %(reasons)s",
                    order=hold.order_id.name,
                    partner=hold.partner_id.display_name,
                    reasons=hold.reason_summary,
                ),
            )
