from odoo import models


class CreditExposureStale(models.AbstractModel):
    """The commitments' table marks its customers' exposure rows stale."""

    _inherit = "credit.exposure.stale"

    def _credit_stale_sources(self):
        return dict(
            super()._credit_stale_sources(),
            credit_commitment="SELECT partner_id FROM {rows}",
        )
