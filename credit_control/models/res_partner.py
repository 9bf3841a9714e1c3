from functools import partial

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_round

from ..lib import credit_rules
from .res_company import credit_amount

MANAGER_FIELDS = {
    "credit_limit",
    "use_partner_credit_limit",
    "credit_limit_temp",
    "credit_limit_temp_end",
    "credit_policy_id",
}
CONTROLLER_FIELDS = {"credit_hold", "credit_hold_reason"}
CREDIT_AMOUNT_FIELDS = {"credit_limit", "credit_limit_temp"}
# From this many customers, their figures come from those Customers by Exposure keeps.
KEPT_FIGURES_FROM = 100
# Internal users who may see a customer's credit; never portal users.
CREDIT_READERS = (
    "credit_control.group_credit_user,sales_team.group_sale_salesman,"
    "account.group_account_invoice,account.group_account_readonly"
)


def _credit_figure(string):
    """A figure of the customer's credit, in the current company's currency.

    A float shown with the monetary widget: the figures are rounded in the company
    currency when computed, and a Monetary field would round each again through a
    sudo'ed environment per value, which dominates reading them for a long list.
    """
    return fields.Float(
        string=string,
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_limit = fields.Float(groups=CREDIT_READERS)
    credit_limit_temp = fields.Float(
        string="Temporary Limit",
        groups=CREDIT_READERS,
        company_dependent=True,
        copy=False,
        help="Extra credit on top of the limit until the end date.",
    )
    credit_limit_temp_end = fields.Date(
        string="Temporary Limit Until",
        company_dependent=True,
        copy=False,
        groups=CREDIT_READERS,
    )
    credit_hold = fields.Boolean(
        compute="_compute_credit_hold",
        inverse="_inverse_credit_hold",
        groups=CREDIT_READERS,
        help="Hold every new order of this customer until a credit manager "
        "releases it (a manual block; dunning, the insurer or the score block "
        "customers with blocks of their own).",
    )
    credit_hold_reason = fields.Char(
        string="Hold Reason",
        compute="_compute_credit_hold",
        inverse="_inverse_credit_hold",
        groups=CREDIT_READERS,
    )
    credit_block_ids = fields.One2many(
        "credit.block", "partner_id", string="Credit Blocks", groups=CREDIT_READERS
    )
    credit_policy_id = fields.Many2one(
        "credit.policy",
        groups=CREDIT_READERS,
        company_dependent=True,
        help="Leave empty to apply the company's default policy.",
    )
    credit_effective_policy_id = fields.Many2one(
        "credit.policy",
        string="Applied Policy",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )
    credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit_figures", groups=CREDIT_READERS
    )
    credit_effective_limit = _credit_figure("Effective Limit")
    credit_receivable = _credit_figure("Open Receivable")
    credit_overdue = _credit_figure("Overdue")
    credit_overdue_days = fields.Integer(
        string="Days Overdue", compute="_compute_credit_figures", groups=CREDIT_READERS
    )
    credit_draft_invoices = _credit_figure("Draft Invoices")
    credit_orders_to_invoice = _credit_figure("Orders Not Invoiced")
    credit_exposure = _credit_figure("Credit Exposure")
    credit_available = _credit_figure("Available Credit")
    credit_utilisation = fields.Float(
        string="Credit Utilisation (%)",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )
    credit_is_manager = fields.Boolean(compute="_compute_credit_rights")
    credit_is_controller = fields.Boolean(compute="_compute_credit_rights")
    credit_hold_ids = fields.One2many(
        "credit.hold", "partner_id", string="Credit Holds", groups=CREDIT_READERS
    )
    credit_hold_count = fields.Integer(
        compute="_compute_credit_hold_count", groups=CREDIT_READERS
    )

    @api.model
    def _has_field_access(self, field, operation):
        if field.groups == CREDIT_READERS and not self.env.su:
            # a list reads the figures of every customer: the user's groups once
            return self._credit_reader()
        return super()._has_field_access(field, operation)

    @api.model
    @tools.ormcache("self.env.uid")
    def _credit_reader(self):
        """Whether the current user may see customers' credit (cleared with the
        groups of users)."""
        return self.env.user.has_groups(CREDIT_READERS)

    def _credit_policy(self):
        """The policy that applies to the customer in the current company, if any."""
        self.ensure_one()
        return self.env.company._credit_policy_for(self.sudo().credit_policy_id.id)

    @api.depends_context("company")
    def _compute_credit_hold(self):
        blocks = {
            block.partner_id: block
            for block in self.env["credit.block"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                    ("origin", "=", "manual"),
                ]
            )
        }
        for partner in self:
            block = blocks.get(partner.commercial_partner_id._origin)
            partner.credit_hold = bool(block)
            partner.credit_hold_reason = block.note if block else False

    def _inverse_credit_hold(self):
        Block = self.env["credit.block"]
        for partner in self:
            current = Block.search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "=", self.env.company.id),
                    ("origin", "=", "manual"),
                ]
            )
            if partner.credit_hold:
                if not (partner.credit_hold_reason or "").strip():
                    raise ValidationError(
                        self.env._("Give the reason of the credit hold.")
                    )
                Block._place(
                    partner, self.env.company, "manual", partner.credit_hold_reason
                )
            elif current:
                current.action_lift(self.env._("Credit hold taken off the customer."))

    @api.depends_context("company")
    def _compute_credit_figures(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        # a list: the figures the rows of Customers by Exposure keep, when current
        real_ids = [i for i in self._ids if isinstance(i, int)]
        kept = {}
        if len(real_ids) >= KEPT_FIGURES_FROM:
            kept = (
                self.env["credit.exposure"]
                .sudo()
                ._credit_kept_figures(company, real_ids)
            )
        others = self.browse(i for i in self._ids if i not in kept)
        roots = {
            partner: partner.commercial_partner_id._origin.id for partner in others
        }
        live = self._credit_live_figures(company, {0, *roots.values()}, today)
        # a row keeps the key of the figures' names, then their values in that order
        names = sorted(live[0])
        live = {root: [values[name] for name in names] for root, values in live.items()}
        rows = []
        for partner in self:
            if partner._ids[0] not in kept:
                rows.append(live[roots[partner]])
            else:  # no row: no exposure
                rows.append((kept[partner._ids[0]] or [None, *live[0]])[1:])
        self.credit_currency_id = company.currency_id
        # straight into the cache, field by field: assigning them one record at a
        # time costs more than computing them (a list of 10 000 customers)
        for index, name in enumerate(names):
            field = self._fields[name]
            column = [row[index] for row in rows]
            if field.type not in ("float", "integer"):
                column = [
                    field.convert_to_cache(value, partner)
                    for partner, value in zip(self, column, strict=True)
                ]
            field._get_cache(self.env).update(zip(self._ids, column, strict=True))

    @api.model
    def _credit_live_figures(self, company, root_ids, today):
        """Per commercial partner id of ``root_ids``, its figures in ``company`` as
        computed now (``0``: those of a customer with no exposure)."""
        Exposure = self.env["credit.exposure"].sudo()
        asked = [root for root in root_ids if root]
        exposures = Exposure._compute_exposures(company, asked) if asked else {}
        empty = credit_rules.Exposure()
        for root_id in root_ids:
            exposures.setdefault(root_id, empty)
        judged = Exposure._credit_judge(company, exposures, today)
        return {
            root_id: self._credit_figure_values(*judged[root_id], today)
            for root_id in root_ids
        }

    def _credit_money(self):
        """Rounding to the current company's currency: ``currency.round`` without
        reading the currency at each amount (ten amounts per customer of a list)."""
        return partial(
            float_round, precision_rounding=self.env.company.currency_id.rounding
        )

    def _credit_figure_values(self, policy, figures, limit, today):
        """The customer's credit figures, from its policy, its exposure as the policy
        counts it and its limit; add-ons add theirs (fields computed by
        ``_compute_credit_figures``)."""
        money = self._credit_money()
        total = money(figures.total)
        return {
            "credit_effective_policy_id": policy,
            "credit_effective_limit": money(limit),
            "credit_receivable": money(figures[credit_rules.RECEIVABLE]),
            "credit_overdue": money(figures.overdue),
            "credit_overdue_days": figures.overdue_days(today),
            "credit_draft_invoices": money(figures[credit_rules.DRAFT_INVOICES]),
            "credit_orders_to_invoice": money(figures[credit_rules.ORDERS_TO_INVOICE]),
            "credit_exposure": total,
            "credit_available": money(credit_rules.available(limit, total)),
            "credit_utilisation": credit_rules.utilisation_pct(limit, total),
        }

    @api.model
    def _credit_effective_limits(self, judged, today):
        """Per commercial partner id of ``judged`` (id -> policy, exposure): its
        limit in force today in the current company, the permanent limit plus the
        temporary one until its end; add-ons add to it (guarantees)."""
        default_limit = (
            self._fields["credit_limit"].get_company_dependent_fallback(self) or 0.0
        )
        limits = {}
        for partner_id, (_policy, exposure) in judged.items():
            profile = exposure.profile
            limits[partner_id] = credit_rules.effective_limit(
                profile.get("credit_limit", default_limit),
                profile.get("credit_limit_temp") or 0.0,
                profile.get("credit_limit_temp_end"),
                today,
            )
        return limits

    @api.depends_context("uid")
    def _compute_credit_rights(self):
        user = self.env.user
        self.credit_is_manager = user.has_group("credit_control.group_credit_manager")
        self.credit_is_controller = user.has_group(
            "credit_control.group_credit_controller"
        )

    def _compute_credit_hold_count(self):
        counts = dict(
            self.env["credit.hold"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_hold_count = counts.get(partner.commercial_partner_id, 0)

    @api.constrains("credit_limit", "credit_limit_temp")
    def _check_credit_limits(self):
        for partner in self.sudo():
            if partner.credit_limit < 0 or partner.credit_limit_temp < 0:
                raise ValidationError(self.env._("A credit limit cannot be negative."))

    @api.constrains("credit_policy_id")
    def _check_credit_policy_company(self):
        company = self.env.company
        for partner in self.sudo():
            policy = partner.credit_policy_id
            if policy and policy.company_id != company:
                raise ValidationError(
                    self.env._(
                        "The credit policy %(policy)s belongs to %(company)s; give "
                        "%(partner)s a policy of %(current)s.",
                        policy=policy.display_name,
                        company=policy.company_id.display_name,
                        partner=partner.display_name,
                        current=company.display_name,
                    )
                )

    @api.constrains("credit_limit_temp", "credit_limit_temp_end")
    def _check_credit_limit_temp_end(self):
        today = fields.Date.context_today(self)
        for partner in self.sudo():
            if partner.credit_limit_temp and not partner.credit_limit_temp_end:
                raise ValidationError(
                    self.env._("A temporary limit needs an end date.")
                )
            if partner.credit_limit_temp and partner.credit_limit_temp_end < today:
                raise ValidationError(
                    self.env._("The temporary limit cannot end in the past.")
                )

    @api.model
    def _credit_controller_fields(self):
        """The credit fields a Credit Controller sets; add-ons add theirs."""
        return set(CONTROLLER_FIELDS)

    def _check_credit_write_rights(self, vals):
        if self.env.su:
            return
        if MANAGER_FIELDS.intersection(vals) and not self.env.user.has_group(
            "credit_control.group_credit_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Credit Manager can change credit limits or credit policies."
                )
            )
        controller_fields = self._credit_controller_fields()
        if controller_fields.intersection(vals) and not self.env.user.has_group(
            "credit_control.group_credit_controller"
        ):
            raise AccessError(
                self.env._(
                    "Only a Credit Controller can put a customer on credit hold."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credit_write_rights(
                {key: value for key, value in vals.items() if value}
            )
            self._credit_check_amounts(vals)
        partners = super().create(vals_list)
        partners._credit_apply_default_limit(vals_list)
        return partners

    def _credit_apply_default_limit(self, vals_list):
        """Give each new customer (a company or an individual, not a contact)
        created without a limit the current company's default credit limit."""
        limit = self.env.company.sudo().credit_default_limit
        if not limit:
            return
        customers = self.browse(
            [
                partner.id
                for partner, vals in zip(self, vals_list, strict=True)
                if not partner.parent_id
                and "credit_limit" not in vals
                and "use_partner_credit_limit" not in vals
            ]
        )
        customers.sudo().write({"credit_limit": limit})

    def _credit_check_amounts(self, vals):
        """A clear error, instead of a crash, on an amount that is not one."""
        for fname in CREDIT_AMOUNT_FIELDS.intersection(vals):
            credit_amount(self.env, vals[fname], self._fields[fname])

    @api.constrains("credit_limit", "credit_limit_temp")
    def _check_credit_amounts(self):
        for partner in self.sudo():
            for fname in CREDIT_AMOUNT_FIELDS:
                credit_amount(self.env, partner[fname], self._fields[fname])

    def write(self, vals):
        self._check_credit_write_rights(vals)
        self._credit_check_amounts(vals)
        old_limits = self._credit_limit_snapshot(vals)
        if (
            vals
            and not self.env.su
            and MANAGER_FIELDS.union(self._credit_controller_fields()).issuperset(vals)
        ):
            # The credit groups work without the right to edit contacts: who may
            # read a customer and passed the check above may set its credit.
            self.check_access("read")
            result = super(ResPartner, self.sudo()).write(vals)
        else:
            result = super().write(vals)
        self._credit_log_limits(vals, old_limits)
        return result
