import zlib
from datetime import date

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.constants import PREFETCH_MAX

from ..lib import credit_rules
from ..tools import copy_rows, user_today


def figures_key(names):
    """What names the figures a row keeps, in sorted order (they change when an
    add-on adds figures)."""
    return zlib.crc32(",".join(sorted(names)).encode())


def kept_figures(values):
    """Figure values as a row keeps them: a JSON array of the key of their names,
    then their values in the order of their sorted names, records by their id and
    dates in ISO format."""
    return [
        figures_key(values),
        *(
            value.id
            if isinstance(value, models.BaseModel)
            else value.isoformat()
            if isinstance(value, date)
            else value
            for _name, value in sorted(values.items())
        ),
    ]


class CreditExposure(models.Model):
    """*Customers by Exposure*: the rows of a company, kept up to date by recomputing
    those of the customers whose figures may have changed since the last refresh (the
    triggers of ``credit.exposure.stale`` mark them), all of them once a day."""

    _inherit = "credit.exposure"

    def action_open_partner(self):
        """A row opens its customer."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.model
    def action_refresh(self):
        """Bring the rows of the current company up to date and open them."""
        self.check_access("read")
        self._refresh(self.env.company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_exposure_action"
        )

    @api.model
    def _refresh(self, companies, full=False):
        """Bring the rows of ``companies`` up to date, and those of the other
        companies that have rows (they share the marks): the rows of the marked
        customers are recomputed; all rows of a company that has none yet, some of
        another day, when a mark names every customer, or when ``full``."""
        today = user_today(self)
        current = self._credit_rows_current(today)
        companies = (
            self.env["res.company"]
            .sudo()
            .browse(sorted({*companies.ids, *current}))
            .exists()
        )
        # One refresh at a time, on the lock rows of the companies' own partners: the
        # second waits, then fails with a serialisation error and is retried on a
        # snapshot holding the first one's rows.
        self.env["credit.check.lock"].sudo()._acquire(
            [(each.partner_id.id, each.id) for each in companies]
        )
        Stale = self.env["credit.exposure.stale"].sudo()
        marks, partners, everyone = Stale._credit_take()
        for each in companies:
            if full or everyone or not current.get(each.id):
                self._credit_write_rows(each)
            elif partners:
                self._credit_write_rows(each, sorted(partners))
        Stale._credit_forget(marks)
        self.invalidate_model()

    @api.model
    def _credit_rows_current(self, today):
        """Per company that has rows, whether they are all of ``today``."""
        self.env.cr.execute(
            SQL(
                """SELECT company.id, NOT EXISTS (
                              SELECT 1 FROM credit_exposure kept
                               WHERE kept.company_id = company.id
                                 AND (kept.as_of < %(today)s OR kept.as_of > %(today)s
                                      OR kept.as_of IS NULL))
                     FROM res_company company
                    WHERE EXISTS (SELECT 1 FROM credit_exposure kept
                                   WHERE kept.company_id = company.id)""",
                today=today,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _credit_write_rows(self, company, partner_ids=None):
        """Replace the rows of the commercial partners ``partner_ids`` (every
        customer when ``None``) in ``company`` by their exposure as it is now."""
        exposures = self.sudo()._compute_exposures(company, partner_ids)
        partners = (
            self.env["res.partner"].sudo().with_company(company).browse(list(exposures))
        )
        salespeople = self._credit_salespeople(
            company, None if partner_ids is None else list(exposures)
        )
        today = user_today(self)
        judged = self._credit_judge(company, exposures, today)
        now = fields.Datetime.now()
        values = []
        for partner in partners:
            policy, figures, limit = judged[partner.id]
            values.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": partner.user_id.id or salespeople.get(partner.id),
                    "refreshed_at": now,
                    "as_of": today,
                    "figures": kept_figures(
                        partner._credit_figure_values(policy, figures, limit, today)
                    ),
                    **self._credit_report_values(figures, limit, today),
                }
            )
        cr = self.env.cr
        if partner_ids is None:
            cr.execute(
                SQL("DELETE FROM credit_exposure WHERE company_id = %s", company.id)
            )
        else:
            cr.execute(
                SQL(
                    "DELETE FROM credit_exposure "
                    "WHERE company_id = %s AND partner_id = ANY(%s)",
                    company.id,
                    sorted({*partner_ids, *exposures}),
                )
            )
        if values:
            names = list(values[0])
            copy_rows(cr, self._table, names, (row.values() for row in values))

    @api.model
    def _credit_kept_state(self, company):
        """``(changed, last mark)`` when the rows of ``company`` keep today's figures
        and no mark names every customer: the commercial partners whose figures may
        have changed since (marked, or in a group with a marked customer), and the
        id of the last mark; ``(None, None)`` when they keep none."""
        marks, marked, everyone = self.env["credit.exposure.stale"]._credit_take()
        if everyone or not self._credit_rows_current(user_today(self)).get(company.id):
            return None, None
        mates = self.env["credit.group"]._credit_group_members().get(company.id, {})
        changed = marked.union(*(mates.get(p, ()) for p in marked))
        return changed, max(marks, default=None)

    @api.model
    def _credit_kept_figures(self, company, partner_ids):
        """The figures the rows of ``company`` keep of the partners ``partner_ids``
        (their commercial partner's, see :func:`kept_figures`), when
        :meth:`_credit_kept_state` says they keep them: per partner id, its
        figures, ``None`` for a customer without a row (no exposure).  Those of the
        customers whose figures may have changed since are left out.  Puts their
        commercial partner in the cache."""
        changed, last_mark = self._credit_kept_state(company)
        if changed is None:
            return {}
        if len(partner_ids) < PREFETCH_MAX:
            rows = self._credit_kept_rows(company, partner_ids)
        else:
            # a long list, read a thousand customers at a time: every row at once
            rows = self._credit_all_kept_rows(company, last_mark)
            rows = {p: rows[p] for p in partner_ids if p in rows}
            unknown = [p for p in partner_ids if p not in rows]
            if unknown:
                rows.update(self._credit_kept_rows(company, unknown))
        Partner = self.env["res.partner"]
        Partner._fields["commercial_partner_id"]._insert_cache(
            Partner.browse(rows), [root for root, _figures in rows.values()]
        )
        return {
            partner_id: figures
            for partner_id, (root, figures) in rows.items()
            if root not in changed
        }

    @api.model
    def _credit_kept_rows(self, company, partner_ids):
        """Per partner id of ``partner_ids``: its commercial partner and the figures
        its row keeps (``None`` without a row)."""
        self.env.cr.execute(
            SQL(
                """SELECT partner.id, partner.commercial_partner_id, kept.figures
                     FROM res_partner partner
                     LEFT JOIN credit_exposure kept
                       ON kept.partner_id = partner.commercial_partner_id
                      AND kept.company_id = %s
                    WHERE partner.id = ANY(%s)""",
                company.id,
                list(partner_ids),
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    @api.model
    def _credit_all_kept_rows(self, company, last_mark):
        """Per partner id whose commercial partner has a row: that partner and the
        figures its row keeps; read once per transaction and state of the marks."""
        key = ("credit_all_kept_rows", company.id, user_today(self), last_mark)
        cache = self.env.cr.cache
        if key not in cache:
            self.env.cr.execute(
                SQL(
                    """SELECT partner.id, partner.commercial_partner_id, kept.figures
                         FROM credit_exposure kept
                         JOIN res_partner partner
                           ON partner.commercial_partner_id = kept.partner_id
                        WHERE kept.company_id = %s""",
                    company.id,
                )
            )
            cache[key] = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        return cache[key]

    @api.model
    def _credit_report_values(self, figures, limit, today):
        """The figures of a customer's row: its limit, exposure and utilisation, and
        a column per component that has a field of its code; add-ons add theirs."""
        return {
            "credit_limit": limit,
            "overdue_days": figures.overdue_days(today),
            "exposure": figures.total,
            "available": (
                credit_rules.available(limit, figures.total) if limit > 0 else None
            ),
            "utilisation": credit_rules.utilisation_pct(limit, figures.total),
            **{
                c.code: figures[c.code]
                for c in self._credit_exposure_components()
                if c.code in self._fields
            },
        }

    @api.model
    def _credit_salespeople(self, company, partner_ids=None):
        """Per commercial partner (of ``partner_ids``, or all), the salesperson of its
        latest order in the company, for the customers that have none of their own."""
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (partner.commercial_partner_id)
                          partner.commercial_partner_id, so.user_id
                     FROM sale_order so
                     JOIN res_partner partner ON partner.id = so.partner_id
                    WHERE so.company_id = %s AND so.user_id IS NOT NULL AND %s
                    ORDER BY partner.commercial_partner_id, so.date_order DESC""",
                company.id,
                SQL("TRUE")
                if partner_ids is None
                else SQL("partner.commercial_partner_id = ANY(%s)", partner_ids),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _cron_refresh(self):
        """The rows brought up to date: those of the marked customers, all of them
        at the first refresh of a day."""
        self._refresh(
            self.env["res.company"].search([("credit_check_active", "=", True)])
        )
