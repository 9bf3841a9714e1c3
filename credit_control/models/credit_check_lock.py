from odoo import fields, models
from odoo.tools import SQL


class CreditCheckLock(models.Model):
    """One row per customer and company that every credit check writes.

    Writing it serialises the check-and-confirm of two transactions for the same
    customer: the second waits for the first and, once the first commits, fails with a
    serialisation error, so Odoo retries it on a fresh snapshot that includes the first
    order.
    """

    _name = "credit.check.lock"
    _description = "Credit Check Lock"
    _log_access = False

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    counter = fields.Integer()

    _partner_company_uniq = models.Constraint("UNIQUE(partner_id, company_id)")

    def _acquire(self, partner, company):
        self.env.cr.execute(
            SQL(
                """INSERT INTO credit_check_lock (partner_id, company_id, counter)
                   VALUES (%s, %s, 1)
                   ON CONFLICT (partner_id, company_id)
                   DO UPDATE SET counter = credit_check_lock.counter + 1""",
                partner.id,
                company.id,
            )
        )
