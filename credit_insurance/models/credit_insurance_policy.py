from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..lib import coverage

# The fields that make the terms the check reads (cached per policy).
TERMS_FIELDS = {
    "max_credit_days",
    "mep_days",
    "tax_included",
    "discretionary_months",
    "discretionary_overdue_days",
    "hold_over_cover",
    "hold_no_cover",
    "hold_stop_delivery",
    "hold_terms",
}
# The fields that say whether a company has a policy with a discretionary limit
# (cached per company).
DISCRETIONARY_FIELDS = {"discretionary_amount", "active", "company_id"}
# Days, amounts and rates of a policy that cannot be negative.
NON_NEGATIVE = (
    "max_credit_days",
    "mep_days",
    "discretionary_amount",
    "discretionary_months",
    "discretionary_overdue_days",
    "waiting_days",
    "max_indemnity",
    "premium_rate",
    "declaration_deadline_days",
    "overdue_notice_days",
    "reminder_days",
)


class CreditInsurancePolicy(models.Model):
    """A trade-credit insurance policy: the insurer, its terms, and the hold reasons
    it switches on."""

    _name = "credit.insurance.policy"
    _description = "Credit Insurance Policy"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, date_start desc, id"

    name = fields.Char(required=True, tracking=True)
    number = fields.Char(string="Policy Number", tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    insurer_id = fields.Many2one("res.partner", required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Gets the to-dos of the policy: declarations, overdue notifications, "
        "claims.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self.env.company.currency_id,
    )
    date_start = fields.Date(
        string="Valid From", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(string="Valid Until", tracking=True)
    insured_pct = fields.Float(
        string="Insured (%)",
        default=90.0,
        tracking=True,
        help="Share of a covered loss the insurer pays, unless a buyer's cover says "
        "otherwise.",
    )
    max_credit_days = fields.Integer(
        string="Maximum Credit Terms (Days)",
        default=120,
        tracking=True,
        help="Invoices on longer terms are not insured. 0: no maximum.",
    )
    mep_days = fields.Integer(
        string="Maximum Extension Period (Days)",
        default=60,
        tracking=True,
        help="Days after the due date of a buyer's oldest unpaid invoice after which "
        "deliveries to the buyer are no longer insured (the stop-delivery date).",
    )
    discretionary_amount = fields.Monetary(
        string="Discretionary Limit",
        tracking=True,
        help="Amount up to which a buyer the insurer has not decided on is insured, "
        "when the conditions below hold. 0: none.",
    )
    discretionary_months = fields.Integer(
        string="Minimum Months of Trading",
        help="The discretionary limit applies to buyers invoiced for the first time at "
        "least this many months ago.",
    )
    discretionary_overdue_days = fields.Integer(
        string="No Overdue Above (Days)",
        help="The discretionary limit applies to buyers with nothing overdue for "
        "longer than this. 0: no condition.",
    )
    waiting_days = fields.Integer(
        string="Claim Waiting Period (Days)",
        default=180,
        help="Days after the overdue notification before a claim can be filed.",
    )
    max_indemnity = fields.Monetary(string="Maximum Yearly Indemnity")
    indemnity_journal_id = fields.Many2one(
        "account.journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        help="The journal of the payments received from the insurer.",
    )
    premium_basis = fields.Selection(
        [
            ("turnover", "Insured turnover"),
            ("balance", "Month-end insured balance"),
        ],
        required=True,
        default="turnover",
    )
    premium_rate = fields.Float(string="Premium Rate (%)", digits=(16, 4))
    declaration_frequency = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly")],
        required=True,
        default="monthly",
    )
    declaration_deadline_days = fields.Integer(
        string="Declaration Deadline (Days)",
        default=20,
        help="Days after the end of a period by which its declaration is due.",
    )
    overdue_notice_days = fields.Integer(
        string="Overdue Notification Deadline (Days)",
        default=30,
        help="Days after the due date by which an unpaid insured invoice must be "
        "notified to the insurer.",
    )
    reminder_days = fields.Integer(
        string="Remind Days Before",
        default=10,
        help="Days before a deadline (an overdue notification, a cover expiry) when "
        "the credit team gets an activity.",
    )
    tax_included = fields.Boolean(
        string="Insured Tax Included",
        help="Amounts are insured with their taxes; most policies insure them without.",
    )
    scope = fields.Selection(
        [("domestic", "Domestic"), ("export", "Export"), ("both", "Both")],
        required=True,
        default="both",
        help="Buyers of the company's country are domestic, the others export.",
    )
    excluded_partner_ids = fields.Many2many(
        "res.partner",
        "credit_insurance_policy_excluded_rel",
        "policy_id",
        "partner_id",
        string="Excluded Buyers",
        help="Buyers the policy does not insure (affiliates, public buyers...).",
    )
    excluded_category_id = fields.Many2one(
        "res.partner.category",
        string="Excluded Tag",
        help="Buyers with this tag are not insured.",
    )
    hold_over_cover = fields.Boolean(
        string="Hold Above Cover",
        default=True,
        help="Hold orders that take a buyer's insurable exposure beyond its cover.",
    )
    hold_no_cover = fields.Boolean(
        string="Hold Without Cover",
        default=True,
        help="Hold orders of buyers whose cover was refused, withdrawn or expired.",
    )
    hold_stop_delivery = fields.Boolean(
        string="Hold After Stop-Delivery Date",
        default=True,
        help="Hold orders of buyers past their stop-delivery date.",
    )
    hold_terms = fields.Boolean(
        string="Hold Longer Payment Terms",
        default=True,
        help="Hold orders whose payment terms are longer than the maximum credit "
        "terms.",
    )
    report_partner_ids = fields.Many2many(
        "res.partner",
        "credit_insurance_policy_report_rel",
        "policy_id",
        "partner_id",
        string="Send Coverage Report To",
    )
    cover_ids = fields.One2many("credit.insurance.cover", "policy_id", string="Covers")
    cover_count = fields.Integer(compute="_compute_cover_count")
    note = fields.Html()

    _number_company_uniq = models.Constraint(
        "unique(insurer_id, number, company_id)",
        "A policy number is unique per insurer and company.",
    )

    def _compute_cover_count(self):
        counts = dict(
            self.env["credit.insurance.cover"]._read_group(
                [("policy_id", "in", self.ids)], ["policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.cover_count = counts.get(policy, 0)

    @api.constrains("insured_pct")
    def _check_insured_pct(self):
        if any(not 0 <= policy.insured_pct <= 100 for policy in self):
            raise ValidationError(
                self.env._("The insured percentage must lie between 0 and 100 %.")
            )

    @api.constrains(*NON_NEGATIVE)
    def _check_not_negative(self):
        for policy in self:
            for name in NON_NEGATIVE:
                if policy[name] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s cannot be negative.",
                            field=self._fields[name]._description_string(self.env),
                        )
                    )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for policy in self:
            if policy.date_end and policy.date_end < policy.date_start:
                raise ValidationError(
                    self.env._("A policy cannot end before it starts.")
                )

    def action_open_covers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_insurance.credit_insurance_cover_action"
        )
        action["domain"] = [("policy_id", "=", self.id)]
        action["context"] = {"default_policy_id": self.id}
        return action

    def action_coverage_report(self):
        """Generate the policy's coverage report as of today and open it."""
        self.ensure_one()
        Report = self.env["credit.insurance.coverage.report"]
        Report.browse()._check_controller()
        report = Report._create_for(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": report._name,
            "res_id": report.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # The terms the check reads, cached per policy so that they cost no query.

    @api.model
    @tools.ormcache("policy_id")
    def _insurance_terms_of(self, policy_id):
        policy = self.sudo().browse(policy_id)
        return policy._insurance_terms()

    def _insurance_terms(self):
        """The policy's terms as the coverage arithmetic reads them."""
        self.ensure_one()
        switches = {
            coverage.OVER_COVER: self.hold_over_cover,
            coverage.NO_COVER: self.hold_no_cover,
            coverage.STOP_DELIVERY: self.hold_stop_delivery,
            coverage.TERMS: self.hold_terms,
        }
        return coverage.Terms(
            max_credit_days=self.max_credit_days,
            mep_days=self.mep_days,
            tax_included=self.tax_included,
            discretionary_months=self.discretionary_months,
            discretionary_overdue_days=self.discretionary_overdue_days,
            holds=frozenset(code for code, on in switches.items() if on),
        )

    @api.model
    @tools.ormcache("company_id")
    def _insurance_discretionary_in(self, company_id):
        """Whether a policy of the company has a discretionary limit: only then does
        the exposure query read its buyers' months of trading."""
        return bool(
            self.sudo().search_count(
                [("company_id", "=", company_id), ("discretionary_amount", ">", 0)],
                limit=1,
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        if (TERMS_FIELDS | DISCRETIONARY_FIELDS).intersection(vals):
            self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()
