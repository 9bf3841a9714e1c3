from odoo import models

from odoo.addons.credit_control.lib import credit_rules

from ..lib import coverage


class CreditPolicy(models.Model):
    _inherit = "credit.policy"

    def _credit_rules(self):
        """The insurance rules; each insurance policy switches its own on or off."""
        return [
            *super()._credit_rules(),
            *(credit_rules.Rule(code, test) for code, test in coverage.RULES),
        ]
