from odoo import fields, models, tools
from odoo.tools import SQL

from .credit_insurance_cover import DECISION_STATES


class CreditInsuranceObligation(models.Model):
    """Every deadline the policies set, in one list: declarations to submit, overdue
    invoices to notify, claims to file, covers expiring or reduced."""

    _name = "credit.insurance.obligation"
    _description = "Credit Insurance Obligation"
    _auto = False
    _order = "date, id"

    kind = fields.Selection(
        [
            ("declaration", "Declaration due"),
            ("notification", "Overdue to notify"),
            ("claim", "Claim can be filed"),
            ("expiry", "Cover expires"),
            ("reduction", "Cover reduced or withdrawn"),
        ],
        readonly=True,
    )
    date = fields.Date(readonly=True)
    name = fields.Char(readonly=True)
    policy_id = fields.Many2one("credit.insurance.policy", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    user_id = fields.Many2one("res.users", string="Responsible", readonly=True)
    decision = fields.Selection(DECISION_STATES, readonly=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Integer(readonly=True)
    overdue = fields.Boolean(compute="_compute_overdue")

    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for obligation in self:
            obligation.overdue = bool(obligation.date) and obligation.date < today

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %s AS
                SELECT row_number() OVER (ORDER BY date) AS id, * FROM (
                    SELECT 'declaration' AS kind, d.date_deadline AS date, d.name,
                           d.policy_id, d.company_id, NULL::int AS partner_id,
                           p.user_id, NULL::varchar AS decision,
                           'credit.insurance.declaration' AS res_model, d.id AS res_id
                      FROM credit_insurance_declaration d
                      JOIN credit_insurance_policy p ON p.id = d.policy_id
                     WHERE d.state = 'draft'
                    UNION ALL
                    SELECT CASE o.state WHEN 'to_notify' THEN 'notification'
                                ELSE 'claim' END,
                           CASE o.state WHEN 'to_notify' THEN o.date_deadline
                                ELSE o.date_claim END,
                           m.name, o.policy_id, o.company_id, o.partner_id,
                           p.user_id, NULL, 'credit.insurance.overdue', o.id
                      FROM credit_insurance_overdue o
                      JOIN account_move m ON m.id = o.move_id
                      JOIN credit_insurance_policy p ON p.id = o.policy_id
                     WHERE o.state = 'to_notify'
                        OR (o.state = 'notified' AND o.claim_id IS NULL)
                    UNION ALL
                    SELECT 'expiry', c.date_expiry, c.insurer_reference, c.policy_id,
                           c.company_id, c.partner_id, p.user_id, c.state,
                           'credit.insurance.cover', c.id
                      FROM credit_insurance_cover c
                      JOIN credit_insurance_policy p ON p.id = c.policy_id
                     WHERE c.state IN ('approved', 'partial')
                       AND c.date_expiry IS NOT NULL
                    UNION ALL
                    SELECT 'reduction', l.date_effective, l.insurer_reference,
                           c.policy_id, c.company_id, c.partner_id, p.user_id,
                           l.state, 'credit.insurance.cover', c.id
                      FROM credit_insurance_cover_line l
                      JOIN credit_insurance_cover c ON c.id = l.cover_id
                      JOIN credit_insurance_policy p ON p.id = c.policy_id
                     WHERE l.date_effective > l.date
                       AND l.state IN ('partial', 'withdrawn', 'refused')
                       AND l.date_effective >= CURRENT_DATE
                ) obligations""",
                SQL.identifier(self._table),
            )
        )

    def action_open(self):
        """Open the record the deadline belongs to, with its activities."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
