from odoo import fields, models

from odoo.addons.credit_control.models.res_partner import CREDIT_READERS

from ..lib import coverage
from .credit_insurance_cover import COVER_STATES


def _insurance_figure(string, help_text=None):
    """A figure of the customer's insurance, computed with its credit figures."""
    return fields.Float(
        string=string,
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
        help=help_text,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_insurance_policy_id = fields.Many2one(
        "credit.insurance.policy",
        string="Insurance Policy",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )
    credit_insurance_status = fields.Selection(
        COVER_STATES,
        string="Cover Status",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )
    credit_insurance_source = fields.Selection(
        [
            (coverage.INSURER, "Insurer's cover"),
            (coverage.SELF_ASSESSED, "Discretionary limit"),
        ],
        string="Insured By",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
    )
    credit_insurance_cover = _insurance_figure("Insurance Cover")
    credit_insured_pct = _insurance_figure("Insured (%)")
    credit_insurable = _insurance_figure(
        "Insurable Exposure",
        "Open invoices within the policy's maximum credit terms and not disputed, "
        "plus orders not invoiced, with or without tax as the policy says.",
    )
    credit_insured = _insurance_figure(
        "Insured Exposure", "The part of the insurable exposure the insurer would pay."
    )
    credit_uninsured = _insurance_figure("Uninsured Exposure")
    credit_stop_delivery = fields.Date(
        string="Stop-Delivery Date",
        compute="_compute_credit_figures",
        groups=CREDIT_READERS,
        help="Due date of the oldest unpaid invoice plus the policy's maximum "
        "extension period: deliveries after it are not insured.",
    )
    credit_insurance_cover_ids = fields.One2many(
        "credit.insurance.cover",
        "partner_id",
        string="Insurance Covers",
        groups=CREDIT_READERS,
    )

    def _credit_figure_values(self, policy, figures, limit, today):
        values = super()._credit_figure_values(policy, figures, limit, today)
        terms = figures.profile.get(coverage.TERMS_KEY)
        if not terms:
            return dict(
                values,
                credit_insurance_policy_id=False,
                credit_insurance_status=False,
                credit_insurance_source=False,
                credit_insurance_cover=0.0,
                credit_insured_pct=0.0,
                credit_insurable=0.0,
                credit_insured=0.0,
                credit_uninsured=values["credit_exposure"],
                credit_stop_delivery=False,
            )
        found = coverage.coverage(figures, terms, today)
        money = self._credit_money()
        return dict(
            values,
            credit_insurance_policy_id=int(figures.profile[coverage.POLICY_ID]),
            credit_insurance_status=found.status or False,
            credit_insurance_source=found.source or False,
            credit_insurance_cover=money(found.cover),
            credit_insured_pct=found.insured_pct,
            credit_insurable=money(found.insurable),
            credit_insured=money(found.covered),
            credit_uninsured=money(found.uninsured),
            credit_stop_delivery=found.stop_delivery or False,
        )
