from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import coverage

CONTROLLER_GROUP = "credit_control.group_credit_controller"


class CreditInsuranceOverdue(models.Model):
    """An insured invoice left unpaid past its due date, to notify to the insurer
    before the policy's deadline."""

    _name = "credit.insurance.overdue"
    _description = "Credit Insurance Overdue Notification"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_deadline, id"
    _rec_name = "move_id"

    policy_id = fields.Many2one("credit.insurance.policy", required=True, index=True)
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one("res.partner", string="Buyer", required=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, ondelete="restrict"
    )
    currency_id = fields.Many2one(related="move_id.company_currency_id")
    amount_residual = fields.Monetary(
        related="move_id.amount_residual_signed", string="Still Due"
    )
    date_due = fields.Date(string="Due Date", required=True)
    date_deadline = fields.Date(
        string="Notify By", compute="_compute_dates", store=True
    )
    state = fields.Selection(
        [
            ("to_notify", "To Notify"),
            ("notified", "Notified"),
            ("settled", "Settled"),
            ("claimed", "Claimed"),
        ],
        default="to_notify",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_notified = fields.Date(readonly=True, tracking=True)
    notice_reference = fields.Char(string="Notification Reference", tracking=True)
    notified_by_id = fields.Many2one("res.users", readonly=True)
    cover_at_risk = fields.Boolean(
        readonly=True,
        help="The notification deadline passed without notification: the insurer "
        "may refuse to pay for this buyer.",
    )
    date_claim = fields.Date(
        string="Claim From",
        compute="_compute_dates",
        store=True,
        help="The end of the policy's waiting period after the notification.",
    )
    claim_id = fields.Many2one("credit.insurance.claim", readonly=True, index=True)

    _move_uniq = models.Constraint(
        "unique(move_id, policy_id)", "An invoice is notified once per policy."
    )

    @api.depends("date_due", "date_notified", "policy_id")
    def _compute_dates(self):
        for overdue in self:
            policy = overdue.policy_id
            overdue.date_deadline = overdue.date_due and overdue.date_due + timedelta(
                days=policy.overdue_notice_days
            )
            overdue.date_claim = overdue.date_notified and (
                overdue.date_notified + timedelta(days=policy.waiting_days)
            )

    def _check_controller(self):
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a Credit Controller notifies the insurer and files claims."
                )
            )

    def action_notify(self):
        """The insurer was told of these overdue invoices today."""
        self._check_controller()
        self.check_access("write")
        if any(overdue.state != "to_notify" for overdue in self):
            raise UserError(self.env._("Only overdue invoices to notify can be."))
        self.sudo().write(
            {
                "state": "notified",
                "date_notified": fields.Date.context_today(self),
                "notified_by_id": self.env.uid,
                "cover_at_risk": False,
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_create_claim(self):
        """Prepare a claim for these notified invoices of one buyer."""
        self._check_controller()
        claim = self.env["credit.insurance.claim"]._prepare_from(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.insurance.claim",
            "res_id": claim.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # The daily scan

    @api.model
    def _cron_scan(self):
        """Record the insured invoices newly overdue, settle the paid ones, flag the
        deadlines passed, remind the deadlines near and propose the claims due."""
        today = fields.Date.context_today(self)
        for (company,) in self.env["credit.insurance.policy"]._read_group(
            [], ["company_id"]
        ):
            self.with_company(company)._scan_company(company, today)
        open_ones = self.search([("state", "in", ["to_notify", "notified"])])
        open_ones.filtered(
            lambda o: o.move_id.payment_state in ("paid", "in_payment", "reversed")
        ).sudo().write({"state": "settled"})
        late = self.search([("state", "=", "to_notify"), ("date_deadline", "<", today)])
        late.sudo().write({"cover_at_risk": True})
        for overdue in self.search(
            [("state", "=", "to_notify"), ("activity_ids", "=", False)]
        ):
            if overdue.date_deadline - today <= timedelta(
                days=overdue.policy_id.reminder_days
            ):
                overdue._remind(
                    overdue.date_deadline,
                    lambda env: env._("Notify the insurer of this overdue invoice"),
                )
        for overdue in self.search(
            [
                ("state", "=", "notified"),
                ("date_claim", "<=", today),
                ("activity_ids", "=", False),
            ]
        ):
            overdue._remind(
                today, lambda env: env._("The waiting period is over: file a claim")
            )

    def _remind(self, deadline, summary):
        user = self.policy_id.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=deadline,
            user_id=user.id,
            summary=summary(self.with_context(lang=user.lang).env),
        )

    def _scan_company(self, company, today):
        exposures = self.env["credit.exposure"].sudo()._compute_exposures(company)
        insured = {}
        for partner_id, exposure in exposures.items():
            terms = exposure.profile.get(coverage.TERMS_KEY)
            if terms and coverage.coverage(exposure, terms, today).insured:
                insured[partner_id] = (
                    int(exposure.profile[coverage.POLICY_ID]),
                    terms,
                )
        if not insured:
            return
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ["not_paid", "partial"]),
                    ("invoice_date_due", "<", today),
                    ("credit_disputed", "=", False),
                    ("commercial_partner_id", "in", list(insured)),
                    ("company_id", "child_of", company.root_id.id),
                ]
            )
        )
        known = set(
            self.sudo().search([("move_id", "in", moves.ids)]).mapped("move_id").ids
        )
        values = []
        for move in moves:
            policy_id, terms = insured[move.commercial_partner_id.id]
            days = (move.invoice_date_due - (move.invoice_date or move.date)).days
            if move.id in known or (
                terms.max_credit_days and days > terms.max_credit_days
            ):
                continue
            values.append(
                {
                    "policy_id": policy_id,
                    "partner_id": move.commercial_partner_id.id,
                    "move_id": move.id,
                    "date_due": move.invoice_date_due,
                }
            )
        self.sudo().create(values)
