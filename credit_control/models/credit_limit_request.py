from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import limit_approval
from .credit_limit_request_approval import APPROVAL_ACTIVITY
from .res_company import credit_amount

# What the requester fills in, while the request is a draft only.
REQUEST_FIELDS = {"partner_id", "company_id", "kind", "amount", "date_end"} | {
    "justification"
}
# What the workflow writes; nobody writes it by hand.
WORKFLOW_FIELDS = {"name", "user_id", "state", "approval_amount", "approval_ids"} | {
    "current_limit",
    "current_exposure",
    "current_score",
    "current_grade_id",
}


class CreditLimitRequest(models.Model):
    """A request for a new credit limit or a temporary limit for a customer,
    approved level after level as its amount requires, then applied."""

    _name = "credit.limit.request"
    _description = "Credit Limit Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _mail_post_access = "read"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Requested By",
        readonly=True,
        index=True,
        default=lambda self: self.env.user,
    )
    kind = fields.Selection(
        [
            (limit_approval.PERMANENT, "Credit limit"),
            (limit_approval.TEMPORARY, "Temporary limit"),
        ],
        required=True,
        default=limit_approval.PERMANENT,
        tracking=True,
    )
    amount = fields.Monetary(
        string="Requested Amount",
        required=True,
        tracking=True,
        help="The new credit limit; for a temporary limit, the extra credit on top "
        "of the limit until the end date.",
    )
    date_end = fields.Date(string="Temporary Until", tracking=True)
    justification = fields.Text(required=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("applied", "Applied"),
            ("expired", "Expired"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    approval_amount = fields.Monetary(
        string="Amount to Approve",
        readonly=True,
        copy=False,
        help="The limit the approval levels are chosen by: the requested limit, or "
        "the limit plus the temporary amount.",
    )
    current_limit = fields.Monetary(string="Limit at Request", readonly=True)
    current_exposure = fields.Monetary(string="Exposure at Request", readonly=True)
    current_score = fields.Float(string="Score at Request", readonly=True)
    current_grade_id = fields.Many2one(
        "credit.grade", string="Grade at Request", readonly=True
    )
    approval_ids = fields.One2many(
        "credit.limit.request.approval",
        "request_id",
        string="Approvals",
        readonly=True,
        copy=False,
    )
    current_approval_id = fields.Many2one(
        "credit.limit.request.approval",
        string="Current Level",
        compute="_compute_current_approval_id",
        store=True,
    )
    current_group_id = fields.Many2one(
        related="current_approval_id.group_id", string="To Be Approved By"
    )
    to_approve_by_me = fields.Boolean(
        string="To Approve by Me",
        compute="_compute_to_approve_by_me",
        compute_sudo=True,
        search="_search_to_approve_by_me",
    )

    @api.depends("state", "approval_ids.state", "approval_ids.sequence")
    def _compute_current_approval_id(self):
        for request in self:
            pending = request.approval_ids.filtered(lambda a: a.state == "pending")
            request.current_approval_id = (
                pending.sorted(lambda a: (a.sequence, a.id))[:1]
                if request.state == "submitted"
                else False
            )

    @api.depends_context("uid")
    @api.depends("state", "user_id", "current_approval_id", "approval_ids.user_id")
    def _compute_to_approve_by_me(self):
        user = self.env.user
        for request in self:
            line = request.current_approval_id
            request.to_approve_by_me = bool(line) and not line._credit_refusal(user)

    def _search_to_approve_by_me(self, operator, value):
        if operator != "in" or True not in value:
            return NotImplemented
        return [
            ("state", "=", "submitted"),
            ("current_approval_id.group_id", "in", self.env.user.all_group_ids.ids),
            ("user_id", "!=", self.env.uid),
            "|",
            ("kind", "!=", limit_approval.TEMPORARY),
            ("date_end", ">=", fields.Date.context_today(self)),
            (
                "approval_ids",
                "not any",
                [("state", "=", "approved"), ("user_id", "=", self.env.uid)],
            ),
        ]

    @api.constrains("partner_id", "kind", "amount", "date_end")
    def _check_request_values(self):
        today = fields.Date.context_today(self)
        for request in self:
            if request.partner_id != request.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Request the credit of the customer %(customer)s, not of its "
                        "contact.",
                        customer=request.partner_id.commercial_partner_id.display_name,
                    )
                )
            credit_amount(self.env, request.amount, self._fields["amount"])
            if request.currency_id.compare_amounts(request.amount, 0) < 0:
                raise ValidationError(self.env._("A credit limit cannot be negative."))
            if request.kind != limit_approval.TEMPORARY:
                continue
            if request.currency_id.is_zero(request.amount):
                raise ValidationError(
                    self.env._("Give the amount of the temporary limit.")
                )
            if not request.date_end or request.date_end <= today:
                raise ValidationError(
                    self.env._("A temporary limit needs an end date in the future.")
                )

    # Writes: the requester edits a draft; the workflow does the rest

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        Sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if not self.env.su and any(
                vals[fname]
                and not (fname == "user_id" and vals[fname] == self.env.uid)
                and not (fname == "state" and vals[fname] == "draft")
                for fname in WORKFLOW_FIELDS.intersection(vals)
            ):
                raise self._credit_workflow_error()
            if vals.get("partner_id"):
                Partner.browse(vals["partner_id"]).check_access("read")
            vals["name"] = Sequence.with_company(
                vals.get("company_id") or self.env.company.id
            ).next_by_code("credit.limit.request")
        return super().create(vals_list)

    def _credit_workflow_error(self):
        return AccessError(
            self.env._(
                "The status, approvals and figures of a credit limit request are "
                "written by its workflow only."
            )
        )

    def write(self, vals):
        if not self.env.su:
            if WORKFLOW_FIELDS.intersection(vals):
                raise self._credit_workflow_error()
            if REQUEST_FIELDS.intersection(vals):
                self._credit_check_editable()
        return super().write(vals)

    def _credit_check_editable(self):
        if any(request.state != "draft" for request in self):
            raise UserError(
                self.env._("Only a draft credit limit request can be changed.")
            )
        self._credit_check_requester()

    def _credit_check_requester(self):
        if not self.env.su and any(r.user_id != self.env.user for r in self):
            raise AccessError(
                self.env._("Only its requester can change a credit limit request.")
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_submitted(self):
        self._credit_check_editable()

    # Workflow

    def action_submit(self):
        """Keep the customer's figures and route the request to the levels its
        amount needs."""
        self._credit_check_editable()
        self._check_request_values()
        Approval = self.env["credit.limit.request.approval"]
        for request in self.sudo():
            partner = request.partner_id.with_company(request.company_id)
            snapshot = partner._credit_request_snapshot()
            current = snapshot["current_limit"]
            if request.kind == limit_approval.PERMANENT and not (
                request.currency_id.compare_amounts(request.amount, current)
            ):
                raise UserError(
                    self.env._(
                        "%(partner)s already has this credit limit.",
                        partner=partner.display_name,
                    )
                )
            amount = limit_approval.approval_amount(
                request.kind, request.amount, current
            )
            request.write(
                {
                    **snapshot,
                    "state": "submitted",
                    "approval_amount": amount,
                    "approval_ids": [
                        Command.clear(),
                        *Approval._credit_route_commands(request.company_id, amount),
                    ],
                }
            )
            request._credit_log(self.env._("Request submitted for approval."))
            request.current_approval_id._credit_schedule()
        return True

    def action_approve(self, note=None):
        """Approve at the current level; the last level applies the request."""
        for request in self._credit_decide("approved", note):
            if request.current_approval_id:
                request.current_approval_id._credit_schedule()
            else:
                request.sudo().state = "approved"
                request._credit_apply()
        return True

    def action_reject(self, note=None):
        """Reject the request at the current level, with the reason why."""
        self._credit_decide("rejected", note).sudo().write({"state": "rejected"})
        return True

    def _credit_decide(self, state, note):
        """Record the current user's decision at the current level of each
        request and log it; the requester is told of a rejection."""
        self.check_access("read")
        for request in self:
            line = request.current_approval_id
            if not line:
                raise UserError(
                    self.env._(
                        "%(request)s is not waiting for approval.", request=request.name
                    )
                )
            line._credit_decide(state, note)
            titles = {
                "approved": self.env._(
                    "Approved at level %(level)s by %(user)s.",
                    level=line.name,
                    user=self.env.user.name,
                ),
                "rejected": self.env._(
                    "Rejected at level %(level)s by %(user)s.",
                    level=line.name,
                    user=self.env.user.name,
                ),
            }
            request._credit_log(titles[state], note, notify=state == "rejected")
        return self

    def action_draft(self):
        """Withdraw a submitted or rejected request to change it and submit it
        again: its approvals start over."""
        self._credit_check_requester()
        if any(r.state not in ("submitted", "rejected") for r in self):
            raise UserError(
                self.env._("Only a submitted or rejected request goes back to draft.")
            )
        for request in self.sudo():
            request.activity_unlink([APPROVAL_ACTIVITY])
            request.write({"state": "draft", "approval_ids": [Command.clear()]})
            request._credit_log(self.env._("Request set back to draft."))
        return True

    def action_open_decision(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Limit Decision"),
            "res_model": "credit.limit.request.decision",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_request_id": self.id,
                "default_decision": self.env.context.get("credit_decision", "approve"),
            },
        }

    def _credit_apply(self):
        """Give the customers their approved limits."""
        for request in self.sudo():
            body = request.partner_id.with_company(
                request.company_id
            )._credit_apply_limit_request(request)
            request.state = "applied"
            request._credit_log(body, notify=True)

    def _credit_log(self, title, note=None, notify=False):
        """Post ``title`` and ``note`` on the request; ``notify`` tells the
        requester."""
        self.ensure_one()
        body = Markup("%s<br/>%s") % (title, note) if note else title
        requester = self.user_id
        notified = (
            notify and requester != self.env.user and requester.id != SUPERUSER_ID
        )
        self.sudo().message_post(
            body=body,
            subtype_xmlid="mail.mt_note",
            partner_ids=requester.partner_id.ids if notified else [],
        )

    @api.model
    def _credit_request_lower_limit(self, partner, company, amount, reason):
        """Submit, for the system, a request to lower ``partner``'s limit in
        ``company`` to ``amount``, because of ``reason``."""
        request = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "user_id": SUPERUSER_ID,
                "kind": limit_approval.PERMANENT,
                "amount": amount,
                "justification": reason,
            }
        )
        request.action_submit()
        return request

    @api.model
    def _cron_expire(self):
        """Temporary requests whose end date passed expire: applied ones because
        their limit ended, submitted ones because it is too late to approve."""
        ended = self.sudo().search(
            [
                ("kind", "=", limit_approval.TEMPORARY),
                ("state", "in", ("submitted", "applied")),
                ("date_end", "<", fields.Date.context_today(self)),
            ]
        )
        for request in ended:
            if request.state == "submitted":
                request.activity_unlink([APPROVAL_ACTIVITY])
                message = self.env._(
                    "The end date passed before the request was approved."
                )
            else:
                message = self.env._("The temporary limit ended.")
            request.state = "expired"
            request._credit_log(message, notify=True)

    @api.model
    def _mail_get_partner_fields(self, introspect_fields=False):
        """The customer is not a default or suggested recipient of a request's
        messages."""
        return []
