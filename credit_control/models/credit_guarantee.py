from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date

CONTROLLER_GROUP = "credit_control.group_credit_controller"
MANAGER_GROUP = "credit_control.group_credit_manager"
# What makes a guarantee's weight in the limit: only a Credit Manager changes it
# once the guarantee is validated.
LIMIT_FIELDS = {
    "partner_id",
    "company_id",
    "guarantee_type",
    "currency_id",
    "amount",
    "date_start",
    "date_end",
}
# Context value with which the buttons and the daily action set a guarantee's state.
STATE_CHANGE = object()
# Guarantees that need the name of who gives them before they are validated.
NEED_ISSUER = ("bank_guarantee", "parent_guarantee", "mortgage")

# credit_control's exposure part: per commercial partner of ``family`` and currency,
# the guarantees of the company in force today.
GUARANTEES_SQL = """
SELECT guarantee.partner_id, guarantee.currency_id, 'guarantees',
       SUM(guarantee.amount), NULL::date, NULL::text
  FROM credit_guarantee guarantee
 WHERE guarantee.partner_id %(in_family)s
   AND guarantee.company_id = %(company_id)s
   AND guarantee.state = 'valid'
   AND guarantee.date_start <= %(today)s
   AND (guarantee.date_end IS NULL OR guarantee.date_end >= %(today)s)
 GROUP BY 1, 2
"""


class CreditGuarantee(models.Model):
    """A security a customer gives for its credit: a bank guarantee, a cash deposit,
    its parent company's guarantee or a mortgage.  Once validated and while in
    force it adds to the customer's credit limit, as its policy says."""

    _name = "credit.guarantee"
    _description = "Credit Guarantee"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    guarantee_type = fields.Selection(
        [
            ("bank_guarantee", "Bank guarantee"),
            ("deposit", "Cash deposit"),
            ("parent_guarantee", "Parent company guarantee"),
            ("mortgage", "Mortgage"),
        ],
        string="Type",
        required=True,
        default="bank_guarantee",
        tracking=True,
    )
    issuer_id = fields.Many2one(
        "res.partner",
        tracking=True,
        help="The bank, the parent company or the owner of the property that "
        "stands for the customer; empty for a deposit of the customer itself.",
    )
    reference = fields.Char(
        tracking=True, help="The number of the guarantee or of the mortgage deed."
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    amount = fields.Monetary(required=True, tracking=True)
    date_start = fields.Date(
        string="Valid From",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(
        string="Valid Until",
        tracking=True,
        help="The last day the guarantee holds; a cash deposit may have none.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Reminded before the guarantee ends; without one, the credit managers.",
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    note = fields.Text()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("valid", "Valid"),
            ("expired", "Expired"),
            ("released", "Released"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )
    in_force = fields.Boolean(
        string="In Force Today",
        compute="_compute_in_force",
        help="Valid, started and not ended: it counts for the customer's limit.",
    )
    reminder_sent = fields.Boolean(readonly=True, copy=False)

    @api.depends("partner_id", "guarantee_type", "reference")
    def _compute_display_name(self):
        types = dict(self._fields["guarantee_type"]._description_selection(self.env))
        for guarantee in self:
            guarantee.display_name = " - ".join(
                part
                for part in (
                    guarantee.partner_id.display_name,
                    types.get(guarantee.guarantee_type),
                    guarantee.reference,
                )
                if part
            )

    @api.depends("state", "date_start", "date_end")
    def _compute_in_force(self):
        today = fields.Date.context_today(self)
        for guarantee in self:
            guarantee.in_force = (
                guarantee.state == "valid"
                and guarantee.date_start <= today
                and (not guarantee.date_end or guarantee.date_end >= today)
            )

    # Bad input

    @api.constrains("amount")
    def _check_amount(self):
        for guarantee in self:
            if guarantee.currency_id.compare_amounts(guarantee.amount, 0) <= 0:
                raise ValidationError(
                    self.env._("The amount of a guarantee must be above 0.")
                )

    @api.constrains("date_start", "date_end", "guarantee_type")
    def _check_dates(self):
        for guarantee in self:
            if not guarantee.date_end and guarantee.guarantee_type != "deposit":
                raise ValidationError(
                    self.env._(
                        "Give the date until which the guarantee of %(customer)s "
                        "is valid; only a cash deposit may have none.",
                        customer=guarantee.partner_id.display_name,
                    )
                )
            if guarantee.date_end and guarantee.date_end < guarantee.date_start:
                raise ValidationError(
                    self.env._("A guarantee cannot end before it starts.")
                )

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for guarantee in self:
            partner = guarantee.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact of %(customer)s: record the "
                        "guarantee on %(customer)s.",
                        contact=partner.display_name,
                        customer=partner.commercial_partner_id.display_name,
                    )
                )

    # Rights: Credit Controllers enter guarantees, Credit Managers validate them

    def _check_guarantee_rights(self, group=CONTROLLER_GROUP):
        if self.env.su or self.env.user.has_group(group):
            return
        if group == MANAGER_GROUP:
            raise AccessError(
                self.env._(
                    "Only a Credit Manager can validate, release or change a "
                    "validated guarantee."
                )
            )
        raise AccessError(self.env._("Only a Credit Controller can enter guarantees."))

    def _check_state_change(self, vals):
        if "state" in vals and self.env.context.get("credit_guarantee") is not (
            STATE_CHANGE
        ):
            raise AccessError(
                self.env._("The state of a guarantee changes with its buttons only.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_guarantee_rights()
        for vals in vals_list:
            self._check_state_change(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_guarantee_rights()
        self._check_state_change(vals)
        if LIMIT_FIELDS.intersection(vals) and any(
            guarantee.state != "draft" for guarantee in self
        ):
            self._check_guarantee_rights(MANAGER_GROUP)
        if "date_end" in vals:
            vals = dict(vals, reminder_sent=False)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        self._check_guarantee_rights()
        if any(guarantee.state != "draft" for guarantee in self):
            raise UserError(
                self.env._(
                    "A validated guarantee is kept for the record: release it "
                    "instead of deleting it."
                )
            )

    # Buttons

    def _set_state(self, state):
        self.sudo().with_context(credit_guarantee=STATE_CHANGE).write({"state": state})

    def action_validate(self):
        """The guarantee is received and checked: it counts from its start date."""
        self._check_guarantee_rights(MANAGER_GROUP)
        today = fields.Date.context_today(self)
        for guarantee in self:
            if guarantee.state != "draft":
                raise UserError(self.env._("Only a draft guarantee can be validated."))
            if guarantee.guarantee_type in NEED_ISSUER and not guarantee.issuer_id:
                raise UserError(
                    self.env._(
                        "Give the issuer of the guarantee of %(customer)s: the "
                        "bank, the parent company or the owner of the property.",
                        customer=guarantee.partner_id.display_name,
                    )
                )
            if guarantee.date_end and guarantee.date_end < today:
                raise UserError(
                    self.env._(
                        "The guarantee of %(customer)s ended on %(date)s: it "
                        "cannot be validated.",
                        customer=guarantee.partner_id.display_name,
                        date=format_date(self.env, guarantee.date_end),
                    )
                )
        self._set_state("valid")
        return True

    def action_release(self):
        """The guarantee is given back (the deposit repaid): it counts no more."""
        self._check_guarantee_rights(MANAGER_GROUP)
        if any(guarantee.state != "valid" for guarantee in self):
            raise UserError(self.env._("Only a valid guarantee can be released."))
        self._set_state("released")
        self.sudo().activity_unlink(
            [
                "mail.mail_activity_data_todo",
                "credit_control.mail_activity_credit_review",
            ]
        )
        return True

    # Expiries

    @api.model
    def _cron_expiries(self):
        """Expire the valid guarantees past their end date, and remind once of each
        one ending within its company's reminder days."""
        today = fields.Date.context_today(self)
        Guarantee = self.sudo()
        Guarantee.search(
            [("state", "=", "valid"), ("date_end", "<", today)]
        )._set_state("expired")
        soon = Guarantee.search(
            [
                ("state", "=", "valid"),
                ("reminder_sent", "=", False),
                ("date_end", ">=", today),
            ]
        )
        for guarantee in soon:
            days = guarantee.company_id.credit_guarantee_reminder_days
            if days and (guarantee.date_end - today).days <= days:
                guarantee._remind()

    def _remind(self):
        """A to-do for the responsible, else a review for the credit managers."""
        self.ensure_one()

        def note(env):
            kinds = dict(self._fields["guarantee_type"]._description_selection(env))
            return env._(
                "%(kind)s of %(customer)s ending on %(date)s: ask for its renewal "
                "or for another guarantee.",
                kind=kinds[self.guarantee_type],
                customer=self.partner_id.display_name,
                date=format_date(env, self.date_end),
            )

        user = self.user_id
        if user.active and not user.share:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=self.date_end,
                note=note(self.with_context(lang=user.lang).env),
                user_id=user.id,
            )
        else:
            self.company_id._credit_schedule_review(self, note)
        self.write({"reminder_sent": True})
