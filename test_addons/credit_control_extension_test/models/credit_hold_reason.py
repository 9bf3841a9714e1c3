from odoo import api, models

from .credit_policy import TOO_COMMITTED


class CreditHoldReason(models.Model):
    _inherit = "credit.hold.reason"

    @api.model
    def _credit_reason_labels(self):
        return {
            **super()._credit_reason_labels(),
            TOO_COMMITTED: self.env._("Too committed"),
        }
