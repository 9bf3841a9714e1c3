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

    def _acquire(self, pairs):
        """Lock the rows of the commercial partners of the ``(partner id, company
        id)`` pairs, in one statement and in a fixed order: two sessions locking
        the same customers wait for each other instead of deadlocking.  A member of
        a group of companies also locks the row of its group's first member: two
        members spend the same group limit one after the other."""
        partner_ids, company_ids = zip(*pairs, strict=True)
        # new customers: the query below reads their commercial partner
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                """INSERT INTO credit_check_lock (partner_id, company_id, counter)
                   SELECT DISTINCT locked.partner_id, pair.company_id, 1
                     FROM unnest(%s::int[], %s::int[]) AS pair(partner_id, company_id)
                     JOIN res_partner partner ON partner.id = pair.partner_id
                    CROSS JOIN LATERAL (
                          SELECT partner.commercial_partner_id
                           UNION ALL
                          SELECT (SELECT MIN(first.partner_id)
                                    FROM credit_group_member_rel first
                                   WHERE first.group_id = grp.id)
                            FROM credit_group_member_rel member
                            JOIN credit_group grp ON grp.id = member.group_id
                           WHERE grp.active
                             AND member.partner_id = partner.commercial_partner_id
                          ) AS locked(partner_id)
                    ORDER BY 1, 2
                   ON CONFLICT (partner_id, company_id)
                   DO UPDATE SET counter = credit_check_lock.counter + 1""",
                list(partner_ids),
                list(company_ids),
            )
        )
