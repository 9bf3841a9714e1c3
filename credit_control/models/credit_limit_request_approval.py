from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

MANAGER_GROUP = "credit_control.group_credit_manager"
APPROVAL_ACTIVITY = "credit_control.mail_activity_credit_limit_approval"


class CreditLimitRequestApproval(models.Model):
    """The decision of one approval level on a credit limit request.  Written by
    the request's workflow only (sudo)."""

    _name = "credit.limit.request.approval"
    _description = "Credit Limit Request Approval"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one(
        "credit.limit.request", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True
    )
    level_id = fields.Many2one(
        "credit.limit.approval.level", string="Approval Level", ondelete="set null"
    )
    name = fields.Char(string="Level", required=True)
    group_id = fields.Many2one(
        "res.groups", string="Approvers", required=True, ondelete="restrict"
    )
    sequence = fields.Integer()
    state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")],
        required=True,
        default="pending",
    )
    user_id = fields.Many2one("res.users", string="Decided By")
    date = fields.Datetime(string="Decided On")
    note = fields.Text()

    @api.model
    def _credit_route_commands(self, company, amount):
        """Commands creating the approval lines of a request of ``company`` for
        ``amount``: one per level that applies, in order; without any, one for the
        Credit Managers."""
        levels = self.env["credit.limit.approval.level"]._credit_route(company, amount)
        if not levels:
            group = self.env.ref(MANAGER_GROUP)
            return [Command.create({"name": group.name, "group_id": group.id})]
        return [
            Command.create(
                {
                    "level_id": level.id,
                    "name": level.name,
                    "group_id": level.group_id.id,
                    "sequence": level.sequence,
                }
            )
            for level in levels
        ]

    def _credit_refusal(self, user):
        """Why ``user`` cannot decide this level now, as (error class, message),
        or ``None`` when he can.  The requester never decides his request, nor
        one user two levels of a request."""
        self.ensure_one()
        request = self.request_id
        if request.state != "submitted" or self != request.current_approval_id:
            return UserError, self.env._(
                "%(request)s is not waiting for this approval.", request=request.name
            )
        if request.kind == "temporary" and request.date_end < fields.Date.context_today(
            self
        ):
            return UserError, self.env._(
                "The temporary limit of %(request)s has ended: it can no longer be "
                "decided.",
                request=request.name,
            )
        if user == request.user_id:
            return UserError, self.env._(
                "You requested %(request)s: someone else must decide it.",
                request=request.name,
            )
        if self.group_id not in user.all_group_ids:
            return AccessError, self.env._(
                "Only the members of %(group)s decide level %(level)s.",
                group=self.group_id.display_name,
                level=self.name,
            )
        if user in (request.approval_ids - self).user_id:
            return UserError, self.env._(
                "You already approved a level of %(request)s: another approver "
                "decides this one.",
                request=request.name,
            )
        return None

    def _credit_decide(self, state, note):
        """Record the current user's decision on this level and close its
        activities."""
        self.ensure_one()
        refusal = self._credit_refusal(self.env.user)
        if refusal:
            error, message = refusal
            raise error(message)
        if state == "rejected" and (not isinstance(note, str) or not note.strip()):
            raise UserError(self.env._("Write why you reject the request."))
        self.sudo().write(
            {
                "state": state,
                "user_id": self.env.uid,
                "date": fields.Datetime.now(),
                "note": note or False,
            }
        )
        request = self.request_id.sudo()
        request.activity_feedback(
            [APPROVAL_ACTIVITY], user_id=self.env.uid, feedback=note
        )
        request.activity_unlink([APPROVAL_ACTIVITY])

    def _credit_approvers(self):
        """The users who may decide this level: the active internal users of its
        group in the request's company, but the requester and those who approved
        another level."""
        self.ensure_one()
        company = self.company_id
        return self.group_id.sudo().all_user_ids.filtered(
            lambda u: (
                u.active
                and not u.share
                and company in u.company_ids
                and not u._is_superuser()
                and not self._credit_refusal(u)
            )
        )

    def _credit_schedule(self):
        """One approval activity on the request for each user who may decide this
        level."""
        self.ensure_one()
        request = self.request_id.sudo()
        for user in self._credit_approvers():
            env = request.with_context(lang=user.lang).env
            request.activity_schedule(
                APPROVAL_ACTIVITY,
                user_id=user.id,
                note=env._(
                    "Approve or reject %(request)s for %(partner)s at level %(level)s.",
                    request=request.name,
                    partner=request.partner_id.display_name,
                    level=self.name,
                ),
            )
