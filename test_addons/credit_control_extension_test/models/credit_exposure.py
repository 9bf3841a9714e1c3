from odoo import fields, models

from odoo.addons.credit_control.lib import credit_rules

COMMITMENTS = "commitments"

_COMMITMENTS_SQL = """
SELECT f.commercial_partner_id, company.currency_id, 'commitments',
       SUM(commitment.amount), NULL::date, NULL::text
  FROM credit_commitment commitment
  JOIN family f ON f.id = commitment.partner_id
  JOIN res_company company ON company.id = commitment.company_id
 WHERE commitment.company_id = %(company_id)s
 GROUP BY 1, 2
"""


class CreditExposure(models.Model):
    _inherit = "credit.exposure"

    commitments = fields.Monetary()

    def _credit_exposure_components(self):
        return [
            *super()._credit_exposure_components(),
            credit_rules.Component(COMMITMENTS),
        ]

    def _credit_exposure_sql_parts(self):
        return [*super()._credit_exposure_sql_parts(), _COMMITMENTS_SQL]
