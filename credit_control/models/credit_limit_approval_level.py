from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import limit_approval
from .res_company import credit_amount

MANAGER_GROUP = "credit_control.group_credit_manager"


class CreditLimitApprovalLevel(models.Model):
    """A level of approval of credit limit requests: the members of its group
    approve every request of the company reaching its minimum amount, after the
    levels before it."""

    _name = "credit.limit.approval.level"
    _description = "Credit Limit Approval Level"
    _order = "company_id, sequence, min_amount, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10, help="Levels approve one after the other in this order."
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    group_id = fields.Many2one(
        "res.groups",
        string="Approvers",
        required=True,
        ondelete="restrict",
        help="The users of this group in the company approve at this level.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        help="Requests for a limit of at least this amount need this level's "
        "approval (for a temporary limit: the limit plus the temporary amount).",
    )

    @api.constrains("min_amount")
    def _check_min_amount(self):
        for level in self:
            credit_amount(self.env, level.min_amount, self._fields["min_amount"])
            if level.currency_id.compare_amounts(level.min_amount, 0) < 0:
                raise ValidationError(
                    self.env._("The minimum amount of a level cannot be negative.")
                )

    def _check_level_rights(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Manager can change the approval levels.")
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

    @api.model
    def _credit_route(self, company, amount):
        """The active levels of ``company`` that approve a request for ``amount``,
        in the order they approve."""
        levels = self.sudo().search([("company_id", "=", company.id)])
        keys = limit_approval.levels_to_approve(
            amount,
            [
                limit_approval.Level(level, level.sequence, level.min_amount)
                for level in levels
            ],
            company.currency_id.rounding,
        )
        return self.browse([level.id for level in keys])

    @api.model
    def _credit_ensure_default_levels(self, companies=None):
        """Give every company in ``companies`` (every company when not given)
        without any approval level, active or not, a "Credit Manager" level from
        0.  Idempotent; run on install, on each upgrade and for each new company."""
        Level = self.sudo().with_context(active_test=False)
        with_level = [
            company.id for (company,) in Level._read_group([], ["company_id"])
        ]
        domain = [("id", "not in", with_level)]
        if companies:
            domain.append(("id", "in", companies.ids))
        Company = self.env["res.company"].sudo().with_context(active_test=False)
        group = self.env.ref(MANAGER_GROUP)
        names = {
            lang: self.with_context(lang=lang).env._("Credit Manager")
            for lang, _name in self.env["res.lang"].get_installed()
            if lang != "en_US"
        }
        for company in Company.search(domain):
            level = Level.with_context(lang="en_US").create(
                {
                    "name": "Credit Manager",
                    "company_id": company.id,
                    "group_id": group.id,
                    "min_amount": 0.0,
                }
            )
            if names:
                level.update_field_translations("name", names)
        return True
