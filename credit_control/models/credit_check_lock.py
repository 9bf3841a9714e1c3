from odoo import fields, models
from odoo.tools import SQL

# Lock the rows of the commercial partners of the pairs, and of the first member of
# the groups they belong to, in one statement and in a fixed order; give each
# partner's commercial partner.
LOCK_SQL = """
WITH asked AS MATERIALIZED (
    SELECT pair.partner_id, partner.commercial_partner_id, pair.company_id
      FROM unnest(%(partner_ids)s::int[], %(company_ids)s::int[])
           AS pair(partner_id, company_id)
      JOIN res_partner partner ON partner.id = pair.partner_id
), locked AS (
    INSERT INTO credit_check_lock (partner_id, company_id, counter)
    SELECT commercial_partner_id, company_id, 1 FROM asked
     UNION
    SELECT grp.first_id, asked.company_id, 1
      FROM asked
      JOIN unnest(%(member_ids)s::int[], %(first_ids)s::int[])
           AS grp(member_id, first_id)
        ON grp.member_id = asked.commercial_partner_id
     ORDER BY 1, 2
    ON CONFLICT (partner_id, company_id)
    DO UPDATE SET counter = credit_check_lock.counter + 1
)
SELECT DISTINCT partner_id, commercial_partner_id FROM asked
"""


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
        member_ids, first_ids = self.env["credit.group"]._credit_group_firsts()
        Partner = self.env["res.partner"]
        # new customers: the statement reads their commercial partner
        Partner.flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            SQL(
                LOCK_SQL,
                partner_ids=list(partner_ids),
                company_ids=list(company_ids),
                member_ids=list(member_ids),
                first_ids=list(first_ids),
            )
        )
        # the check reads them next: in the cache, as a read would put them
        rows = self.env.cr.fetchall()
        Partner._fields["commercial_partner_id"]._insert_cache(
            Partner.browse(row[0] for row in rows), [row[1] for row in rows]
        )
