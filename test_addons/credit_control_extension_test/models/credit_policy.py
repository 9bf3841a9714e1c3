from odoo import fields, models

from odoo.addons.credit_control.lib import credit_rules

from .credit_exposure import COMMITMENTS

TOO_COMMITTED = "too_committed"


def too_committed(check):
    allowed = check.settings.get("max_commitments")
    if allowed and check.compare(check.exposure[COMMITMENTS], allowed) > 0:
        return dict(check.figures, max_commitments=allowed)
    return None


class CreditPolicy(models.Model):
    _inherit = "credit.policy"

    max_commitments = fields.Monetary()
    include_commitments = fields.Boolean(default=True)

    def _credit_rules(self):
        return [
            *super()._credit_rules(),
            credit_rules.Rule(TOO_COMMITTED, too_committed),
        ]

    def _credit_settings(self):
        return dict(super()._credit_settings(), max_commitments=self.max_commitments)

    def _credit_counted_components(self):
        counted = super()._credit_counted_components()
        if self and self.include_commitments:
            counted.add(COMMITMENTS)
        return counted
