from odoo import fields, models

from odoo.addons.credit_control.lib import credit_rules

COMMITMENTS = "commitments"
# The largest open item of the customer from a floor up, and the oldest due date of
# those: a figure read in credit_control's scan of the open items, with a CTE joined.
LARGEST_ITEM = "largest_item"
LARGEST_ITEM_FLOOR = 100.0

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
            credit_rules.Component(LARGEST_ITEM, additive=False),
        ]

    def _credit_exposure_sql_parts(self):
        return [*super()._credit_exposure_sql_parts(), _COMMITMENTS_SQL]

    def _credit_exposure_ctes(self):
        return [
            *super()._credit_exposure_ctes(),
            f"item_floor AS (SELECT {LARGEST_ITEM_FLOOR}::numeric AS amount)",
        ]

    def _credit_open_item_figures(self):
        large = "aml.amount_residual_currency >= item_floor.amount"
        return [
            *super()._credit_open_item_figures(),
            (
                LARGEST_ITEM,
                f"MAX(aml.amount_residual_currency) FILTER (WHERE {large})",
                f"MIN(aml.date_maturity) FILTER (WHERE {large})",
            ),
        ]

    def _credit_open_item_joins(self):
        return [*super()._credit_open_item_joins(), "CROSS JOIN item_floor"]
