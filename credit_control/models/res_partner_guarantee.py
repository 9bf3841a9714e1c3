from odoo import api, fields, models

from ..lib import credit_rules
from .res_partner import CREDIT_READERS


class ResPartner(models.Model):
    """The guarantees in force of a customer, and what they add to its limit."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_guarantees = fields.Float(
        string="Guarantees In Force",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
        help="The customer's validated guarantees in force today, in the company's "
        "currency; they add to its limit when its credit policy says so.",
    )

    def _credit_figure_values(self, policy, figures, limit, today):
        values = super()._credit_figure_values(policy, figures, limit, today)
        money = self._credit_money()
        return dict(values, credit_guarantees=money(figures[credit_rules.GUARANTEES]))

    @api.model
    def _credit_effective_limits(self, judged, today):
        """The limits, with the guarantees in force of the customers whose policy
        counts them."""
        limits = super()._credit_effective_limits(judged, today)
        for partner_id, (policy, exposure) in judged.items():
            if policy:
                limits[partner_id] = credit_rules.guaranteed_limit(
                    limits[partner_id],
                    exposure[credit_rules.GUARANTEES],
                    policy._credit_snapshot().settings,
                )
        return limits

    def action_credit_open_guarantees(self):
        return self._credit_data_action("credit_control.credit_guarantee_action")
