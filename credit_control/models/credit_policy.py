from collections import namedtuple

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

from ..lib import credit_rules

# What the check needs of a policy, cached per policy so that it costs no query.
PolicySnapshot = namedtuple(
    "PolicySnapshot", ["settings", "counted", "disabled", "order_partner_field"]
)


class CreditPolicy(models.Model):
    _name = "credit.policy"
    _description = "Credit Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tolerance_pct = fields.Float(
        string="Tolerance (%)",
        tracking=True,
        help="How far above its limit a customer may go before its orders are held.",
    )
    overdue_days = fields.Integer(
        string="Hold After Days Overdue",
        tracking=True,
        help="Hold orders of customers whose oldest overdue invoice is older "
        "than this. "
        "0 disables the rule.",
    )
    overdue_amount = fields.Monetary(
        string="Hold Above Overdue Amount",
        tracking=True,
        help="Hold orders of customers whose overdue amount is above this. "
        "0 disables the rule.",
    )
    no_limit_action = fields.Selection(
        [("unlimited", "Unlimited credit"), ("hold", "Hold (cash customer)")],
        string="Customers Without Limit",
        required=True,
        default="unlimited",
        tracking=True,
    )
    warning_pct = fields.Float(
        string="Warning At Utilisation (%)",
        default=80.0,
        tracking=True,
        help="Warn, without holding, when an order brings the utilisation "
        "to this level. "
        "0 disables the warning.",
    )
    include_draft_invoices = fields.Boolean(
        string="Count Draft Invoices",
        default=True,
        tracking=True,
        help="Draft customer invoices not coming from an order count in the exposure.",
    )
    include_orders = fields.Boolean(
        string="Count Orders Not Invoiced",
        default=True,
        tracking=True,
        help="Confirmed orders not invoiced yet count in the exposure.",
    )
    guarantees_in_limit = fields.Boolean(
        string="Guarantees Add To The Limit",
        default=True,
        tracking=True,
        help="Validated guarantees in force add to the customer's credit limit. A "
        "customer without a limit keeps unlimited credit, unless the policy holds "
        "such customers: then its guarantees are its limit.",
    )
    credit_partner = fields.Selection(
        [
            ("invoice", "Invoiced customer"),
            ("customer", "Ordering customer"),
        ],
        string="Credit Used By Orders",
        required=True,
        default="invoice",
        tracking=True,
        help="Whose credit an order uses when its invoice address belongs to another "
        "customer. The company's default policy decides it for all its orders.",
    )
    score_downgrade_action = fields.Selection(
        [
            ("review", "Ask for a review"),
            ("lower_limit", "Lower the limit to the proposed one"),
            ("request", "Open a limit request"),
            ("block", "Block the customer"),
        ],
        string="When The Grade Falls",
        required=True,
        default="review",
        tracking=True,
        help="What the nightly scoring does when a customer's grade falls; the "
        "credit managers are always asked to review it.",
    )
    dunning_level_ids = fields.One2many(
        "credit.dunning.level", "policy_id", string="Dunning Levels"
    )
    dunning_tolerance = fields.Monetary(
        tracking=True,
        help="Invoices whose residual is under this amount are not chased.",
    )
    dunning_charge_mode = fields.Selection(
        [("invoice", "Invoice them"), ("letter", "Only show them on the letter")],
        string="Fees and interest",
        required=True,
        default="letter",
        tracking=True,
    )
    dunning_product_id = fields.Many2one(
        "product.product",
        string="Dunning Charges Product",
        tracking=True,
        help="The product of the invoice lines charging dunning fees and interest.",
    )
    note = fields.Html()

    @api.constrains("tolerance_pct", "warning_pct")
    def _check_percentages(self):
        for policy in self:
            if not 0 <= policy.tolerance_pct <= 100:
                raise ValidationError(
                    self.env._("The tolerance must lie between 0 and 100 %.")
                )
            if not 0 <= policy.warning_pct <= 100:
                raise ValidationError(
                    self.env._("The warning threshold must lie between 0 and 100 %.")
                )

    @api.constrains("overdue_days", "overdue_amount")
    def _check_overdue_thresholds(self):
        if any(p.overdue_days < 0 or p.overdue_amount < 0 for p in self):
            raise ValidationError(self.env._("Overdue thresholds cannot be negative."))

    @api.constrains("dunning_tolerance", "dunning_charge_mode", "dunning_product_id")
    def _check_dunning_settings(self):
        for policy in self:
            if policy.currency_id.compare_amounts(policy.dunning_tolerance, 0) < 0:
                raise ValidationError(
                    self.env._("The dunning tolerance cannot be negative.")
                )
            charged = policy.dunning_charge_mode == "invoice"
            if charged and not policy.dunning_product_id:
                raise ValidationError(
                    self.env._(
                        "Choose the product of the invoices of dunning fees and "
                        "interest."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def _credit_snapshot(self):
        """The policy's settings, counted components, switched-off rules and whose
        credit orders use, as the check reads them; without a policy, the defaults."""
        return self._credit_snapshot_of(self.id)

    @api.model
    @tools.ormcache("policy_id")
    def _credit_snapshot_of(self, policy_id):
        policy = self.sudo().browse(policy_id)
        return PolicySnapshot(
            policy._credit_settings() if policy else {},
            frozenset(policy._credit_counted_components()),
            frozenset(policy._credit_disabled_rules()),
            policy._credit_order_partner_field(),
        )

    # Extension points, cached in the snapshot: an add-on whose settings depend on
    # other records clears the cache when those change.

    def _credit_rules(self):
        """The rules of the check, each keyed by its reason code; add-ons append."""
        return list(credit_rules.CORE_RULES)

    def _credit_settings(self):
        """The knobs the rules read; add-ons add theirs with ``super()``."""
        return {
            "tolerance_pct": self.tolerance_pct,
            "overdue_days": self.overdue_days,
            "overdue_amount": self.overdue_amount,
            "no_limit_action": self.no_limit_action,
            "warning_pct": self.warning_pct,
            "guarantees_in_limit": self.guarantees_in_limit,
        }

    def _credit_disabled_rules(self):
        """Codes of the rules this policy switches off."""
        return set()

    def _credit_counted_components(self):
        """The exposure components that make the total under this policy."""
        counted = {credit_rules.RECEIVABLE}
        if self.include_draft_invoices:
            counted.add(credit_rules.DRAFT_INVOICES)
        if self.include_orders:
            counted.add(credit_rules.ORDERS_TO_INVOICE)
        return counted

    def _credit_order_partner_field(self):
        """The order field whose commercial partner's credit an order uses."""
        return (
            "partner_id" if self.credit_partner == "customer" else "partner_invoice_id"
        )

    # Policies in use

    def _credit_check_unused(self):
        for policy in self:
            company = policy.company_id
            if (
                self.env["res.company"]
                .sudo()
                .search_count([("credit_policy_id", "=", policy.id)], limit=1)
            ):
                raise UserError(
                    self.env._(
                        "%(policy)s is the default credit policy of %(company)s: "
                        "choose another default first.",
                        policy=policy.display_name,
                        company=company.display_name,
                    )
                )
            customers = (
                self.env["res.partner"]
                .sudo()
                .with_company(company)
                .with_context(active_test=False)
                .search([("credit_policy_id", "=", policy.id)], limit=3)
            )
            if customers:
                raise UserError(
                    self.env._(
                        "%(policy)s applies to customers (%(customers)s): give them "
                        "another policy first.",
                        policy=policy.display_name,
                        customers=", ".join(customers.mapped("display_name")),
                    )
                )

    def write(self, vals):
        self.env.registry.clear_cache()
        if "active" in vals and not vals["active"]:
            self.filtered("active")._credit_check_unused()
        if "company_id" in vals:
            self._credit_check_unused()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        self._credit_check_unused()
        self.env.registry.clear_cache()
