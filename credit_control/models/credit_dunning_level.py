from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import dunning

MANAGER_GROUP = "credit_control.group_credit_manager"
# The levels every default policy starts with: (days, actions), named by
# ``_default_level_names``.
DEFAULT_LEVELS = [
    (-3, {"send_email": True}),
    (15, {"send_email": True, "min_interval": 7}),
    (30, {"print_letter": True, "phone_call": True, "min_interval": 7}),
    (45, {"send_email": True, "credit_hold": True, "min_interval": 7}),
    (90, {"print_letter": True, "escalation": "legal", "min_interval": 14}),
]
NON_NEGATIVE = (
    "min_amount",
    "min_interval",
    "fee_fixed",
    "fee_pct",
    "fee_min",
    "fee_max",
    "interest_rate",
)


class CreditDunningLevel(models.Model):
    """A step of a credit policy's dunning: when an overdue invoice reaches it and
    what the customer then receives."""

    _name = "credit.dunning.level"
    _description = "Dunning Level"
    _order = "policy_id, sequence, id"

    policy_id = fields.Many2one(
        "credit.policy", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(
        required=True, default=10, help="Invoices reach the levels in this order."
    )
    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        string="Days Past Due",
        help="Days after the due date an invoice reaches this level; negative for "
        "a reminder before the due date.",
    )
    min_amount = fields.Monetary(
        string="Minimum Overdue Amount",
        help="The customer's overdue amount in the currency must reach this for the "
        "level to be sent.",
    )
    min_interval = fields.Integer(
        string="Minimum Days Since Previous Level",
        help="An invoice reaches this level at least this many days after its "
        "previous level.",
    )
    send_email = fields.Boolean(string="Email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', '=', 'credit.dunning')]",
        help="Leave empty to use the standard dunning email.",
    )
    print_letter = fields.Boolean(string="Letter")
    phone_call = fields.Boolean(
        help="Give the customer's collector (else its salesperson, else the credit "
        "managers) a phone call to make."
    )
    credit_hold = fields.Boolean(
        help="Block the customer's new orders until no invoice of it is overdue at "
        "such a level any more.",
    )
    escalation = fields.Selection(
        [("none", "None"), ("legal", "Legal"), ("agency", "Collection agency")],
        required=True,
        default="none",
        help="Flag the customer as escalated and ask the credit managers to act.",
    )
    fee_fixed = fields.Monetary(string="Fixed Fee")
    fee_pct = fields.Float(string="Fee (%)", help="Percentage of the amount dunned.")
    fee_min = fields.Monetary(string="Minimum Fee")
    fee_max = fields.Monetary(string="Maximum Fee", help="0: no maximum.")
    interest_rate = fields.Float(
        string="Late Interest (%/year)",
        help="Annual rate of late interest on the days overdue not yet charged.",
    )

    _sequence_per_policy = models.Constraint(
        "UNIQUE(policy_id, sequence)",
        "Two levels of a policy cannot have the same sequence.",
    )

    @api.constrains(*NON_NEGATIVE)
    def _check_non_negative(self):
        for level in self:
            negative = [fname for fname in NON_NEGATIVE if level[fname] < 0]
            if negative:
                raise ValidationError(
                    self.env._(
                        "%(level)s: %(fields)s cannot be negative.",
                        level=level.name,
                        fields=", ".join(
                            self._fields[fname]._description_string(self.env)
                            for fname in negative
                        ),
                    )
                )
            if level.fee_max and level.fee_min > level.fee_max:
                raise ValidationError(
                    self.env._(
                        "%(level)s: the minimum fee cannot be above the maximum fee.",
                        level=level.name,
                    )
                )
            if level.fee_pct > 100:
                raise ValidationError(
                    self.env._(
                        "%(level)s: the fee cannot be above 100 %% of the amount.",
                        level=level.name,
                    )
                )

    def _check_level_rights(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Manager can change the dunning levels.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_level_rights()
        return super().create(vals_list)

    def write(self, vals):
        self._check_level_rights()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_check_rights(self):
        self._check_level_rights()

    def _credit_action_summary(self):
        """What reaching the level does, in a few words ("Email, Phone Call");
        ``False`` for no level."""
        if not self:
            return False
        self.ensure_one()
        env = self.env
        parts = [
            self._fields[fname]._description_string(env)
            for fname in ("send_email", "print_letter", "phone_call", "credit_hold")
            if self[fname]
        ]
        if self.escalation != "none":
            labels = dict(self._fields["escalation"]._description_selection(env))
            parts.append(labels[self.escalation])
        return ", ".join(parts)

    def _dunning_levels(self, currency, date):
        """These levels for :func:`dunning.plan_run`, their amounts converted from
        the company's currency to ``currency`` on ``date``."""
        levels = []
        for level in self:
            company = level.company_id

            def convert(amount, company=company):
                return company.currency_id._convert(amount, currency, company, date)

            levels.append(
                dunning.Level(
                    sequence=level.sequence,
                    days=level.days,
                    min_amount=convert(level.min_amount),
                    min_interval=level.min_interval,
                    fee_fixed=convert(level.fee_fixed),
                    fee_pct=level.fee_pct,
                    fee_min=convert(level.fee_min),
                    fee_max=convert(level.fee_max),
                    interest_rate=level.interest_rate,
                    key=level.id,
                )
            )
        return levels

    @api.model
    def _credit_ensure_default_levels(self, companies=None):
        """Give the default policy of every company in ``companies`` (every company
        when not given) the default levels when it has none.  Idempotent; run on
        install, on each upgrade and for each new company."""
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        companies = (
            companies.sudo()
            if companies
            else Company.search([("credit_policy_id", "!=", False)])
        )
        policies = companies.credit_policy_id.filtered(
            lambda policy: not policy.dunning_level_ids
        )
        Level = self.sudo().with_context(lang="en_US")
        names = _default_level_names(Level.env)
        translated = {
            lang: _default_level_names(self.with_context(lang=lang).env)
            for lang, _name in self.env["res.lang"].get_installed()
            if lang != "en_US"
        }
        for policy in policies:
            for index, (days, actions) in enumerate(DEFAULT_LEVELS):
                level = Level.create(
                    dict(
                        actions,
                        policy_id=policy.id,
                        sequence=(index + 1) * 10,
                        days=days,
                        name=names[index],
                    )
                )
                if translated:
                    level.update_field_translations(
                        "name", {lang: tr[index] for lang, tr in translated.items()}
                    )
        return True


def _default_level_names(env):
    """The names of ``DEFAULT_LEVELS`` in the language of ``env``."""
    return [
        env._("Friendly reminder"),
        env._("Firm reminder"),
        env._("Dunning letter"),
        env._("Credit hold"),
        env._("Legal escalation"),
    ]
