from odoo import fields, models

from .credit_insurance_cover import DECISION_STATES

# The decision in force on ``%(day)s`` of the cover aliased ``cover``: of those
# effective by then, the one recorded last (see coverage.cover_in_force).
DECISION_IN_FORCE_SQL = """
SELECT line.state, line.amount
  FROM credit_insurance_cover_line line
 WHERE line.cover_id = cover.id
   AND line.date_effective <= %(day)s
 ORDER BY line.id DESC
 LIMIT 1
"""


class CreditInsuranceCoverLine(models.Model):
    """One decision on a cover, kept for good."""

    _name = "credit.insurance.cover.line"
    _description = "Credit Insurance Cover Decision"
    _order = "id desc"

    cover_id = fields.Many2one(
        "credit.insurance.cover", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="cover_id.company_id", store=True)
    currency_id = fields.Many2one(related="cover_id.currency_id")
    state = fields.Selection(DECISION_STATES, string="Decision", required=True)
    amount = fields.Monetary()
    date = fields.Date(string="Decided On", required=True)
    date_effective = fields.Date(string="Effective From", required=True)
    insurer_reference = fields.Char(string="Insurer's Reference")
    user_id = fields.Many2one("res.users", string="Recorded By")
    note = fields.Char()

    _cover_idx = models.Index("(cover_id, id DESC) INCLUDE (date_effective)")
