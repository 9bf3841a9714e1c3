from odoo import api, models


class CreditExposureStale(models.AbstractModel):
    """The tables credit_insurance's parts of the exposure read."""

    _inherit = "credit.exposure.stale"

    @api.model
    def _credit_stale_sources(self):
        return dict(
            super()._credit_stale_sources(),
            credit_insurance_cover="SELECT partner_id FROM {rows}",
            credit_insurance_cover_line="SELECT cover.partner_id FROM {rows} line "
            "JOIN credit_insurance_cover cover ON cover.id = line.cover_id",
            credit_insurance_policy_excluded_rel="SELECT partner_id FROM {rows}",
            # a policy may exclude the buyers of a tag
            res_partner_res_partner_category_rel="SELECT partner_id FROM {rows}",
        )

    @api.model
    def _credit_stale_settings(self):
        return dict(super()._credit_stale_settings(), credit_insurance_policy=())
