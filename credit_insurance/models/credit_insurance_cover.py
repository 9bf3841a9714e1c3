from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import coverage

DECISION_STATES = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("partial", "Partly Approved"),
    ("refused", "Refused"),
    ("withdrawn", "Withdrawn"),
    ("expired", "Expired"),
]
COVER_STATES = [("draft", "Draft"), *DECISION_STATES]
MANAGER_GROUP = "credit_control.group_credit_manager"
# Context value with which the decisions set a cover's state and approved amount.
DECISION = object()


class CreditInsuranceCover(models.Model):
    """What an insurer agreed to cover of one buyer under one policy, and every
    decision on it."""

    _name = "credit.insurance.cover"
    _description = "Credit Insurance Cover"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_effective desc, id desc"
    _check_company_auto = True

    policy_id = fields.Many2one(
        "credit.insurance.policy",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="policy_id.currency_id")
    insurer_id = fields.Many2one(related="policy_id.insurer_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Buyer",
        required=True,
        index=True,
        domain="[('parent_id', '=', False)]",
        tracking=True,
    )
    insurer_reference = fields.Char(string="Insurer's Buyer Reference", tracking=True)
    amount_requested = fields.Monetary(tracking=True)
    amount_approved = fields.Monetary(readonly=True, tracking=True)
    insured_pct = fields.Float(
        string="Insured (%)",
        compute="_compute_insured_pct",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    state = fields.Selection(
        COVER_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    decision = fields.Char(
        string="Insurer's Decision", readonly=True, help="The latest decision's note."
    )
    date_effective = fields.Date(
        string="Effective From", required=True, default=fields.Date.context_today
    )
    date_expiry = fields.Date(string="Expiry Date", tracking=True)
    line_ids = fields.One2many(
        "credit.insurance.cover.line", "cover_id", string="Decisions"
    )
    state_in_force = fields.Selection(
        COVER_STATES, string="State Today", compute="_compute_in_force"
    )
    amount_in_force = fields.Monetary(
        string="Cover Today",
        compute="_compute_in_force",
        help="The amount the insurer covers today: a reduction or a withdrawal "
        "effective later keeps the previous amount until then.",
    )

    @api.depends("policy_id")
    def _compute_insured_pct(self):
        for cover in self:
            if not cover.insured_pct:
                cover.insured_pct = cover.policy_id.insured_pct

    @api.depends("line_ids", "date_expiry", "state")
    @api.depends_context("date")
    def _compute_in_force(self):
        today = fields.Date.context_today(self)
        for cover in self:
            if cover.state == "draft":
                cover.state_in_force, cover.amount_in_force = "draft", 0.0
                continue
            decisions = [
                (line.date_effective, line.state, line.amount)
                for line in cover.line_ids.sorted("id")
            ]
            state, amount = coverage.cover_in_force(decisions, today, cover.date_expiry)
            cover.state_in_force = state
            cover.amount_in_force = amount

    @api.depends("partner_id", "policy_id")
    def _compute_display_name(self):
        for cover in self:
            cover.display_name = " - ".join(
                name
                for name in (
                    cover.partner_id.display_name,
                    cover.policy_id.display_name,
                )
                if name
            )

    # Bad input

    @api.constrains("insured_pct")
    def _check_insured_pct(self):
        if any(not 0 <= cover.insured_pct <= 100 for cover in self):
            raise ValidationError(
                self.env._("The insured percentage must lie between 0 and 100 %.")
            )

    @api.constrains("amount_requested", "amount_approved")
    def _check_amounts(self):
        if any(c.amount_requested < 0 or c.amount_approved < 0 for c in self):
            raise ValidationError(self.env._("A cover amount cannot be negative."))

    @api.constrains("date_effective", "date_expiry")
    def _check_dates(self):
        for cover in self:
            if cover.date_expiry and cover.date_expiry < cover.date_effective:
                raise ValidationError(
                    self.env._("A cover cannot expire before it takes effect.")
                )

    @api.constrains("partner_id", "policy_id", "date_effective", "date_expiry", "state")
    def _check_one_valid_cover(self):
        for cover in self.filtered(lambda c: c.state not in coverage.LOST):
            others = self.search(
                [
                    ("id", "!=", cover.id),
                    ("partner_id", "=", cover.partner_id.id),
                    ("policy_id", "=", cover.policy_id.id),
                    ("state", "not in", list(coverage.LOST)),
                ]
            )
            for other in others:
                if _overlap(cover, other):
                    raise ValidationError(
                        self.env._(
                            "%(buyer)s already has a valid cover under %(policy)s "
                            "for these dates: withdraw it or let it expire first.",
                            buyer=cover.partner_id.display_name,
                            policy=cover.policy_id.display_name,
                        )
                    )

    @api.constrains("partner_id")
    def _check_buyer(self):
        if any(cover.partner_id.parent_id for cover in self):
            raise ValidationError(
                self.env._(
                    "Insure the customer itself, not one of its contacts or addresses."
                )
            )

    # Only the decisions set the state and the approved amount

    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("insurance_decision") is not DECISION:
            for vals in vals_list:
                self._check_decision_fields(vals)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.context.get("insurance_decision") is not DECISION:
            self._check_decision_fields(vals)
            if {"policy_id", "partner_id"}.intersection(vals) and any(
                cover.state != "draft" for cover in self
            ):
                raise UserError(
                    self.env._(
                        "The buyer and the policy of a cover sent to the insurer "
                        "cannot change: start a new cover."
                    )
                )
        return super().write(vals)

    def _check_decision_fields(self, vals):
        if {"state", "amount_approved", "decision"}.intersection(vals):
            raise AccessError(
                self.env._(
                    "The state and the approved amount of a cover follow the "
                    "insurer's decisions: record a decision."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(cover.state != "draft" for cover in self):
            raise UserError(
                self.env._(
                    "A cover sent to the insurer is kept with its decisions: "
                    "record its withdrawal instead."
                )
            )

    # Decisions

    def _check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Manager can record an insurer's decision.")
            )

    def action_request(self):
        """Send the request to the insurer: the cover is requested."""
        self._check_manager()
        for cover in self:
            if cover.state != "draft":
                raise UserError(self.env._("Only a draft cover can be requested."))
            if cover.currency_id.compare_amounts(cover.amount_requested, 0) <= 0:
                raise UserError(self.env._("Give the amount to request."))
            cover._record_decision(
                "requested",
                cover.amount_requested,
                fields.Date.context_today(self),
                fields.Date.context_today(self),
            )
        return True

    def action_record_decision(self):
        """Open the form recording the insurer's decision."""
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Insurer's Decision"),
            "res_model": "credit.insurance.decision",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_cover_id": self.id},
        }

    def _record_decision(
        self, state, amount, date, date_effective, reference=False, note=False
    ):
        """Keep the insurer's decision for good and make it the cover's."""
        self.ensure_one()
        self._check_manager()
        if state not in dict(DECISION_STATES):
            raise UserError(self.env._("Unknown decision."))
        if amount < 0:
            raise ValidationError(self.env._("A cover amount cannot be negative."))
        if state in coverage.GRANTED and not amount:
            raise ValidationError(self.env._("An approval needs the approved amount."))
        if state not in coverage.GRANTED and state != "requested":
            amount = 0.0
        self.env["credit.insurance.cover.line"].sudo().create(
            {
                "cover_id": self.id,
                "state": state,
                "amount": amount,
                "date": date,
                "date_effective": date_effective,
                "insurer_reference": reference or self.insurer_reference,
                "note": note,
                "user_id": self.env.uid,
            }
        )
        values = {"state": state, "decision": note or False}
        if state != "requested":
            values["amount_approved"] = amount
        self.sudo().with_context(insurance_decision=DECISION).write(values)
        return True

    def action_print_request(self):
        self.ensure_one()
        return self.env.ref(
            "credit_insurance.action_report_cover_request"
        ).report_action(self)

    # Expiries

    @api.model
    def _cron_expiries(self):
        """Expire the covers past their expiry date, and give the credit managers an
        activity on those expiring within their policy's reminder days."""
        today = fields.Date.context_today(self)
        expired = self.search(
            [
                ("date_expiry", "<", today),
                ("state", "not in", ["draft", *coverage.LOST]),
            ]
        )
        for cover in expired:
            cover.sudo()._record_expiry(today)
        soon = self.search(
            [
                ("date_expiry", ">=", today),
                ("state", "in", list(coverage.GRANTED)),
                ("activity_ids", "=", False),
            ]
        )
        for cover in soon:
            days = (cover.date_expiry - today).days
            if days <= cover.policy_id.reminder_days:
                cover.company_id._credit_schedule_review(
                    cover,
                    lambda env, cover=cover: env._(
                        "The insurance cover of %(buyer)s expires on %(date)s: ask "
                        "the insurer to renew it.",
                        buyer=cover.partner_id.display_name,
                        date=cover.date_expiry,
                    ),
                )

    def _record_expiry(self, today):
        self.env["credit.insurance.cover.line"].create(
            {
                "cover_id": self.id,
                "state": "expired",
                "amount": 0.0,
                "date": today,
                "date_effective": self.date_expiry,
                "insurer_reference": self.insurer_reference,
            }
        )
        self.with_context(insurance_decision=DECISION).write(
            {"state": "expired", "amount_approved": 0.0}
        )


def _overlap(cover, other):
    """Whether the periods of two covers share a day (no expiry: open-ended)."""
    first_end = cover.date_expiry or fields.Date.to_date("9999-12-31")
    other_end = other.date_expiry or fields.Date.to_date("9999-12-31")
    return cover.date_effective <= other_end and other.date_effective <= first_end
