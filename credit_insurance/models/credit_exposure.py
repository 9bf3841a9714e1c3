from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.credit_control.lib import credit_rules

from ..lib import coverage
from .credit_insurance_cover_line import DECISION_IN_FORCE_SQL

# credit_insurance's parts of credit_control's exposure query.  ``insured``: per buyer
# (a commercial partner of ``family``) the first insurance policy of the company in
# force today whose scope takes the buyer's country and that does not exclude it,
# and the buyer's latest cover under that policy (not a draft) with its decision in
# force.
_INSURED_CTE = """
insured AS MATERIALIZED (
    SELECT buyer.id, policy.id AS policy_id, policy.currency_id,
           policy.insured_pct, policy.max_credit_days, policy.tax_included,
           policy.discretionary_amount,
           cover.insured_pct AS cover_pct, cover.date_expiry, cover.state,
           cover.amount
      FROM res_partner buyer
     CROSS JOIN LATERAL (
           SELECT policy.id, policy.currency_id, policy.insured_pct,
                  policy.max_credit_days, policy.tax_included,
                  policy.discretionary_amount
             FROM credit_insurance_policy policy
            WHERE policy.company_id = %(company_id)s
              AND policy.active
              AND policy.date_start <= %(today)s
              AND (policy.date_end IS NULL OR policy.date_end >= %(today)s)
              AND (policy.scope = 'both'
                   OR (policy.scope = 'domestic') = (
                       COALESCE(buyer.country_id, %(company_country)s)
                       = %(company_country)s))
              AND NOT EXISTS (
                  SELECT 1 FROM credit_insurance_policy_excluded_rel excluded
                   WHERE excluded.policy_id = policy.id
                     AND excluded.partner_id = buyer.id)
              AND (policy.excluded_category_id IS NULL OR NOT EXISTS (
                  SELECT 1 FROM res_partner_res_partner_category_rel tag
                   WHERE tag.partner_id = buyer.id
                     AND tag.category_id = policy.excluded_category_id))
            ORDER BY policy.sequence, policy.id
            LIMIT 1) policy
      LEFT JOIN LATERAL (
           SELECT cover.insured_pct, cover.date_expiry,
                  CASE WHEN cover.date_expiry < %(today)s THEN 'expired'
                       ELSE COALESCE(decision.state, 'draft') END AS state,
                  decision.amount
             FROM credit_insurance_cover cover
             LEFT JOIN LATERAL (%(decision_in_force)s) decision ON TRUE
            WHERE cover.policy_id = policy.id
              AND cover.partner_id = buyer.id
              AND cover.state <> 'draft'
              AND cover.date_effective <= %(today)s
            ORDER BY cover.date_effective DESC, cover.id DESC
            LIMIT 1) cover ON TRUE
     WHERE buyer.id %(in_family)s)
"""

# The insured buyers' open receivable items, read in credit_control's scan of them
# (``insured`` joined): those of invoices within the policy's maximum credit terms
# and not disputed are insurable, with or without tax as the policy says (only that
# sum is taken); those not due yet give the oldest due date of what is unpaid.
_INSURABLE_ITEM = """
aml.amount_residual_currency < 0 OR (
    aml.credit_insurable
    AND (insured.max_credit_days = 0
         OR aml.date_maturity - COALESCE(aml.invoice_date, aml.date)
            <= insured.max_credit_days))
"""
_NOT_DUE_ITEM = """
insured.id IS NOT NULL
AND aml.date_maturity >= %(today)s AND aml.amount_residual_currency > 0
"""
_OPEN_ITEM_FIGURES = [
    (
        coverage.INSURABLE,
        # IS TRUE: a policy without tax (NULL) skips the items' conditions
        "SUM(aml.amount_residual_currency) FILTER (WHERE insured.tax_included IS TRUE"
        f" AND ({_INSURABLE_ITEM}))",
        "NULL",
    ),
    (
        coverage.INSURABLE_UNTAXED,
        "SUM(aml.amount_residual_currency * aml.credit_untaxed_ratio) FILTER ("
        " WHERE insured.id IS NOT NULL AND insured.tax_included IS NOT TRUE"
        f" AND ({_INSURABLE_ITEM}))",
        "NULL",
    ),
    (
        coverage.NOT_DUE,
        f"SUM(aml.amount_residual_currency) FILTER (WHERE {_NOT_DUE_ITEM})",
        f"MIN(aml.date_maturity) FILTER (WHERE {_NOT_DUE_ITEM})",
    ),
]

# The insured buyers' profile and cover rows; for a policy with a discretionary
# limit, the months since the buyer's first invoice (``insurance_trading``: the
# part below when a policy of the company has such a limit).
_INSURANCE_SQL = """
SELECT insured.id, figure.currency_id, figure.component, figure.amount, figure.date,
       NULL::text
  FROM insured
 CROSS JOIN LATERAL (VALUES
       (NULL::int, 'profile:insurance_policy_id', insured.policy_id::numeric,
        NULL::date),
       (NULL, 'profile:insurance_status',
        COALESCE(array_position(%(states)s::varchar[], insured.state::varchar), 0),
        NULL),
       (NULL, 'profile:insurance_pct',
        COALESCE(insured.cover_pct, insured.insured_pct), NULL),
       (insured.currency_id, 'insurance_cover',
        CASE WHEN insured.state IN ('approved', 'partial') THEN insured.amount
             ELSE 0 END,
        insured.date_expiry),
       (insured.currency_id, 'insurance_discretionary',
        insured.discretionary_amount, NULL)
       ) AS figure(currency_id, component, amount, date)
 WHERE (figure.component <> 'insurance_cover' OR insured.state IS NOT NULL)
   AND (figure.component <> 'insurance_discretionary'
        OR insured.discretionary_amount > 0)
%(insurance_trading)s
"""
_TRADING_SQL = """
 UNION ALL
SELECT insured.id, NULL, 'profile:insurance_trading_months',
       EXTRACT(YEAR FROM age(%(today)s, MIN(move.invoice_date))) * 12
       + EXTRACT(MONTH FROM age(%(today)s, MIN(move.invoice_date))),
       NULL, NULL
  FROM insured
  JOIN account_move move ON move.commercial_partner_id = insured.id
 WHERE insured.discretionary_amount > 0
   AND move.move_type = 'out_invoice'
   AND move.state = 'posted'
   AND move.company_id = ANY(%(company_ids)s)
 GROUP BY insured.id
"""


class CreditExposure(models.Model):
    _inherit = "credit.exposure"

    insurance_policy_id = fields.Many2one("credit.insurance.policy")
    insurance_cover = fields.Monetary()
    insurable = fields.Monetary()
    insured = fields.Monetary()
    uninsured = fields.Monetary()
    insurance_stop_delivery = fields.Date(string="Stop-Delivery Date")

    @api.model
    def _credit_exposure_components(self):
        return [
            *super()._credit_exposure_components(),
            *(
                credit_rules.Component(code, additive=False)
                for code in coverage.COMPONENTS
            ),
        ]

    @api.model
    def _credit_exposure_sql_parts(self):
        return [*super()._credit_exposure_sql_parts(), _INSURANCE_SQL]

    @api.model
    def _credit_exposure_ctes(self):
        return [*super()._credit_exposure_ctes(), _INSURED_CTE]

    @api.model
    def _credit_open_item_figures(self):
        return [*super()._credit_open_item_figures(), *_OPEN_ITEM_FIGURES]

    @api.model
    def _credit_open_item_joins(self):
        return [
            *super()._credit_open_item_joins(),
            "LEFT JOIN insured ON insured.id = f.commercial_partner_id",
        ]

    @api.model
    def _credit_sql_params(self, company, today):
        params = super()._credit_sql_params(company, today)
        Policy = self.env["credit.insurance.policy"]
        trading = Policy._insurance_discretionary_in(company.id)
        return dict(
            params,
            insurance_trading=SQL(_TRADING_SQL, **params) if trading else SQL(),
            states=list(coverage.COVER_STATES),
            # a buyer without a country is in the company's
            company_country=SQL(
                """COALESCE((SELECT partner.country_id FROM res_company company
                              JOIN res_partner partner
                                ON partner.id = company.partner_id
                             WHERE company.id = %s), 0)""",
                company.id,
            ),
            decision_in_force=SQL(DECISION_IN_FORCE_SQL, day=today),
        )

    @api.model
    def _compute_exposures(self, company, partner_ids=None):
        """The exposures, each insured buyer's with its policy's terms."""
        exposures = super()._compute_exposures(company, partner_ids)
        Policy = self.env["credit.insurance.policy"]
        for exposure in exposures.values():
            # the profile is the exposure's own, just made
            policy_id = exposure.profile.get(coverage.POLICY_ID)
            if policy_id:
                terms = Policy._insurance_terms_of(int(policy_id))
                exposure.profile[coverage.TERMS_KEY] = terms
        return exposures

    @api.model
    def _credit_report_values(self, figures, limit, today):
        values = super()._credit_report_values(figures, limit, today)
        terms = figures.profile.get(coverage.TERMS_KEY)
        found = coverage.coverage(figures, terms, today) if terms else None
        return dict(
            values,
            insurance_policy_id=int(figures.profile.get(coverage.POLICY_ID) or 0)
            or None,
            insurance_cover=found.cover if found else 0.0,
            insurable=found.insurable if found else 0.0,
            insured=found.covered if found else 0.0,
            uninsured=found.uninsured if found else figures.total,
            insurance_stop_delivery=found.stop_delivery if found else None,
        )
