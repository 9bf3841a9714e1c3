from odoo import fields, models

from ..lib import credit_rules
from .res_partner import CREDIT_READERS


class ResPartner(models.Model):
    """The group of companies a customer shares a limit with, and its figures."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_group_id = fields.Many2one(
        "credit.group",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )
    credit_group_limit = fields.Float(
        string="Group Limit", compute="_compute_credit_figures", groups=CREDIT_READERS
    )
    credit_group_exposure = fields.Float(
        string="Group Exposure",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )

    def _credit_figure_values(self, policy, figures, limit, today):
        profile = figures.profile
        return dict(
            super()._credit_figure_values(policy, figures, limit, today),
            credit_group_id=int(profile.get(credit_rules.GROUP_ID) or 0) or False,
            credit_group_limit=profile.get(credit_rules.GROUP_LIMIT) or 0.0,
            credit_group_exposure=self.env.company.currency_id.round(
                profile.get(credit_rules.GROUP_EXPOSURE, 0.0)
            ),
        )

    def unlink(self):
        # a member merged into another partner: the cache of the groups' members
        # names the merged one (the merge moved its memberships in SQL)
        members = self.env["credit.group"]._credit_group_members().values()
        if any(partner_id in group for group in members for partner_id in self.ids):
            self.env.registry.clear_cache()
        return super().unlink()
