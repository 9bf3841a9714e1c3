import math

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError

from ..lib import ageing

# The company's credit settings: only a Credit Manager changes them, also through RPC.
CREDIT_SETTINGS_FIELDS = {
    "credit_policy_id",
    "credit_check_active",
    "credit_default_limit",
    "credit_guarantee_reminder_days",
    "credit_ageing_buckets",
}
# The largest credit amount accepted; well within a float's exact integers.
MAX_CREDIT_AMOUNT = 1e15
# The default policy given to every company that has none.
DEFAULT_POLICY_RULES = {
    "tolerance_pct": 0.0,
    "warning_pct": 80.0,
    "no_limit_action": "unlimited",
    "overdue_days": 0,
    "overdue_amount": 0.0,
}


def credit_amount(env, value, field):
    """``value`` written on the credit amount ``field``, as a finite float of at most
    ``MAX_CREDIT_AMOUNT`` either way; a ``ValidationError`` saying so otherwise.
    Negative amounts are left to the fields' constraints."""
    label = field._description_string(env)
    if value is None or value is False:
        return 0.0
    try:
        if isinstance(value, (bool, bytes)):
            raise TypeError(value)
        amount = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError(
            env._(
                "%(field)s must be an amount, not “%(value)s”.",
                field=label,
                value=value,
            )
        ) from None
    if not math.isfinite(amount) or abs(amount) > MAX_CREDIT_AMOUNT:
        raise ValidationError(
            env._(
                "%(field)s must be an amount of at most %(maximum)s.",
                field=label,
                maximum=f"{MAX_CREDIT_AMOUNT:,.0f}",
            )
        )
    return amount


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_policy_id = fields.Many2one(
        "credit.policy",
        string="Default Credit Policy",
        domain="[('company_id', '=', id)]",
        help="Applies to every customer without a policy of its own. "
        "Without any policy, orders are not checked.",
    )
    credit_check_active = fields.Boolean(
        string="Check credit at order confirmation",
        default=True,
        help="When off, no order of this company is checked and no credit "
        "banner is shown on its quotations.",
    )
    credit_default_limit = fields.Monetary(
        string="Default Credit Limit for New Customers",
        currency_field="currency_id",
        help="Credit limit given, in this company, to each new customer created "
        "without a limit of its own. 0 gives none.",
    )
    credit_guarantee_reminder_days = fields.Integer(
        string="Remind Of Guarantees Ending Within (Days)",
        default=30,
        help="Who is responsible for a guarantee gets a to-do this many days before "
        "it ends (the credit managers when nobody is). 0 sends no reminder.",
    )
    credit_ageing_buckets = fields.Char(
        string="Ageing Buckets (Days)",
        default=", ".join(str(limit) for limit in ageing.DEFAULT_BUCKETS),
        required=True,
        help="Upper limits in days past due of the ageing buckets, such as "
        "30, 60, 90, 180: not due, 1-30, 31-60, 61-90, 91-180 and over 180 days.",
    )

    @api.constrains("credit_ageing_buckets")
    def _check_credit_ageing_buckets(self):
        for company in self:
            company._credit_ageing_boundaries()

    def _credit_ageing_boundaries(self):
        """The limits of the company's ageing buckets, as a tuple of days."""
        self.ensure_one()
        try:
            return ageing.parse_buckets(self.credit_ageing_buckets or "")
        except ValueError:
            raise ValidationError(
                self.env._(
                    "Ageing buckets must be whole numbers of days above 0, each one "
                    "higher than the one before, for instance 30, 60, 90, 180."
                )
            ) from None

    @api.constrains("credit_guarantee_reminder_days")
    def _check_credit_guarantee_reminder_days(self):
        if any(company.credit_guarantee_reminder_days < 0 for company in self):
            raise ValidationError(
                self.env._("The reminder days of guarantees cannot be negative.")
            )

    @api.constrains("credit_default_limit")
    def _check_credit_default_limit(self):
        for company in self:
            credit_amount(
                self.env,
                company.credit_default_limit,
                self._fields["credit_default_limit"],
            )
            if company.credit_default_limit < 0:
                raise ValidationError(self.env._("A credit limit cannot be negative."))

    @api.constrains("credit_policy_id")
    def _check_credit_policy_company(self):
        for company in self.sudo():
            policy = company.credit_policy_id
            if policy and policy.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The default credit policy of %(company)s must be one of "
                        "its own policies.",
                        company=company.name,
                    )
                )

    def _check_credit_settings_rights(self):
        if not self.env.su and not self.env.user.has_group(
            "credit_control.group_credit_manager"
        ):
            raise AccessError(
                self.env._("Only a Credit Manager can change the credit settings.")
            )

    def _credit_check_amounts(self, vals):
        if "credit_default_limit" in vals:
            credit_amount(
                self.env,
                vals["credit_default_limit"],
                self._fields["credit_default_limit"],
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._credit_check_amounts(vals)
            # a setting other than its default (only the check is on by default)
            if any(
                bool(vals[fname]) != (fname == "credit_check_active")
                for fname in CREDIT_SETTINGS_FIELDS.intersection(vals)
            ):
                self._check_credit_settings_rights()
        companies = super().create(vals_list)
        if companies:
            companies._credit_ensure_default_policy()
            self.env["credit.scorecard"]._credit_ensure_default_scorecards(companies)
            self.env["credit.limit.approval.level"]._credit_ensure_default_levels(
                companies
            )
            self.env["credit.dunning.level"]._credit_ensure_default_levels(companies)
            self.env["credit.alert.rule"]._credit_ensure_default_rules(companies)
        return companies

    def write(self, vals):
        self._credit_check_amounts(vals)
        if not CREDIT_SETTINGS_FIELDS.intersection(vals) or self.env.su:
            return super().write(vals)
        self._check_credit_settings_rights()
        if set(vals) <= CREDIT_SETTINGS_FIELDS and not self.env[
            "ir.model.access"
        ].check(self._name, "write", raise_exception=False):
            # A Credit Manager who does not administer companies changes the
            # credit settings, and nothing else, of the companies he works in.
            self.check_access("read")
            if self - self.env.user.company_ids:
                raise AccessError(
                    self.env._(
                        "You can only change the credit settings of your companies."
                    )
                )
            return super(ResCompany, self.sudo()).write(vals)
        return super().write(vals)

    @api.model
    def _credit_create_default_policy(self, company):
        """A new "Standard" policy with the default rules, named in every language."""
        Policy = self.env["credit.policy"].sudo().with_context(lang="en_US")
        policy = Policy.create(
            dict(DEFAULT_POLICY_RULES, name="Standard", company_id=company.id)
        )
        names = {
            lang: self.with_context(lang=lang).env._("Standard")
            for lang, _name in self.env["res.lang"].get_installed()
            if lang != "en_US"
        }
        if names:
            policy.update_field_translations("name", names)
        return policy

    def _credit_ensure_default_policy(self):
        """Give every company in ``self`` (every company when ``self`` is empty)
        without a default credit policy one: an active policy of the company with
        the default rules when there is one, else a new "Standard" policy.
        Idempotent; run on install, on each upgrade and for each new company."""
        companies = self.sudo()
        if not companies:
            companies = companies.with_context(active_test=False).search(
                [("credit_policy_id", "=", False)]
            )
        Policy = self.env["credit.policy"].sudo()
        default_rules = [
            (fname, "=", value) for fname, value in DEFAULT_POLICY_RULES.items()
        ]
        for company in companies.filtered(lambda c: not c.credit_policy_id):
            policy = Policy.search(
                [("company_id", "=", company.id), *default_rules], limit=1
            ) or self._credit_create_default_policy(company)
            company.credit_policy_id = policy
        return True

    def _credit_settings_action(self):
        """Open the company's credit settings: a form a Credit Manager can save
        without being an administrator."""
        self.ensure_one()
        view = self.env.ref("credit_control.res_company_view_form_credit_settings")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Settings"),
            "res_model": "res.company",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(view.id, "form")],
            "target": "current",
        }

    def _credit_policy_for(self, policy_id):
        """The policy applying in this company to a customer whose own policy is
        ``policy_id`` (``False`` for none): its own, else the company's default;
        none when the company does not check credit."""
        self.ensure_one()
        company = self.sudo()
        if not company.credit_check_active:
            return self.env["credit.policy"]
        if policy_id:
            return self.env["credit.policy"].browse(policy_id)
        return company.credit_policy_id

    @api.model
    @tools.ormcache("root_id")
    def _credit_tree_ids(self, root_id):
        """The ids of the root company ``root_id`` and of its branches, whose
        customers' items count in the exposure (the hierarchy never changes;
        creating or deleting a company clears the caches)."""
        return tuple(
            self.sudo()
            .with_context(active_test=False)
            .search([("parent_path", "=like", f"{root_id}/%")])
            .ids
        )

    def _credit_order_partner_field(self):
        """The order field whose commercial partner's credit the company's orders
        use, as its default policy says (one choice for all, so that the exposure
        and the check agree)."""
        self.ensure_one()
        return self.sudo().credit_policy_id._credit_snapshot().order_partner_field

    def _credit_managers(self):
        """Active internal users of this company in the Credit Manager group."""
        self.ensure_one()
        group = self.env.ref("credit_control.group_credit_manager")
        return group.sudo().all_user_ids.filtered(
            lambda u: (
                u.active
                and not u.share
                and self in u.company_ids
                and not u._is_superuser()
            )
        )

    def _credit_schedule_review(self, record, note):
        """Give each credit manager of the company a review activity on ``record``.

        ``note`` makes the activity's text from an environment, so that each manager
        reads it in their own language.
        """
        self._credit_schedule_reviews(record, [note])

    def _credit_schedule_reviews(self, records, notes):
        """:meth:`_credit_schedule_review` on each of ``records`` with its note of
        ``notes`` (in the same order), the activities created at once."""
        self.ensure_one()
        managers = self._credit_managers() or self.env.user
        records = records.sudo()
        records.message_subscribe(partner_ids=managers.partner_id.ids)
        review = self.env.ref("credit_control.mail_activity_credit_review")
        model_id = self.env["ir.model"]._get_id(records._name)
        today = fields.Date.context_today(self)
        self.env["mail.activity"].sudo().create(
            [
                {
                    "activity_type_id": review.id,
                    "summary": review.summary,
                    "automated": True,
                    "note": note(record.with_context(lang=manager.lang).env),
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "user_id": manager.id,
                }
                for record, note in zip(records, notes, strict=True)
                for manager in managers
            ]
        )
