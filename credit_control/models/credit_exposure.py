from collections import defaultdict
from dataclasses import replace
from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..lib import credit_rules
from ..tools import copy_rows
from .credit_guarantee import GUARANTEES_SQL

# Every part of the exposure query selects rows of the same columns: commercial
# partner, document currency, component code, amount rounded in that currency, a date
# (the oldest overdue due date) and a note (a block's).  ``family`` is the partners
# asked about with their commercial partner; ``companies`` the company and its branches.

# The open receivable items (``aml``) of the company and its branches: posted, not
# reconciled, something left; the predicates of the partial index that covers them.
OPEN_RECEIVABLE_SQL = """
aml.account_id = ANY(ARRAY(SELECT id FROM account_account
                            WHERE account_type = 'asset_receivable'))
AND aml.reconciled IS NOT TRUE
AND aml.parent_state = 'posted'
AND aml.amount_residual_currency <> 0
AND aml.company_id = ANY(%(company_ids)s)
"""

# Posted receivables not yet reconciled (open invoices, unapplied payments and credit
# notes).  Unapplied credits pay the oldest overdue items first: what they leave of
# the overdue items is the overdue amount, and the oldest item they leave unpaid its
# age, looked for item by item only when there are such credits.  Add-ons read their
# own figures of the items in the same scan (``open_item_*``, see
# :meth:`CreditExposure._credit_open_item_figures`); a figure without items is NULL
# and gives no row.
_RECEIVABLE_SQL = """
SELECT open_items.partner_id, open_items.currency_id, part.component, part.amount,
       part.date, NULL::text
  FROM (
    SELECT f.commercial_partner_id AS partner_id,
           aml.currency_id,
           SUM(aml.amount_residual_currency) AS receivable,
           GREATEST(
               COALESCE(SUM(aml.amount_residual_currency) FILTER (
                   WHERE aml.date_maturity < %(today)s
                     AND aml.amount_residual_currency > 0), 0)
               + COALESCE(SUM(aml.amount_residual_currency) FILTER (
                   WHERE aml.amount_residual_currency < 0), 0),
               0) AS overdue,
           MIN(aml.date_maturity) FILTER (
               WHERE aml.date_maturity < %(today)s
                 AND aml.amount_residual_currency > 0) AS oldest,
           -COALESCE(SUM(aml.amount_residual_currency) FILTER (
               WHERE aml.amount_residual_currency < 0), 0) AS credits
           %(open_item_columns)s
      FROM account_move_line aml
      JOIN family f ON f.id = aml.partner_id
      %(open_item_joins)s
     WHERE %(open_receivable)s
  GROUP BY 1, 2
  ) open_items
  CROSS JOIN LATERAL (VALUES
      ('receivable', open_items.receivable, NULL::date),
      ('overdue', open_items.overdue, CASE
          WHEN open_items.overdue = 0 THEN NULL
          WHEN open_items.credits = 0 THEN open_items.oldest
          ELSE (SELECT item.date_maturity
                  FROM (SELECT aml.date_maturity,
                               SUM(aml.amount_residual_currency) OVER (
                                   ORDER BY aml.date_maturity, aml.id) AS running
                          FROM account_move_line aml
                          JOIN family f ON f.id = aml.partner_id
                         WHERE f.commercial_partner_id = open_items.partner_id
                           AND aml.currency_id = open_items.currency_id
                           AND %(open_receivable)s
                           AND aml.amount_residual_currency > 0
                           AND aml.date_maturity < %(today)s) item
                 WHERE item.running > open_items.credits
                 ORDER BY item.date_maturity
                 LIMIT 1)
      END)
      %(open_item_rows)s) AS part(component, amount, date)
 WHERE part.amount IS NOT NULL
"""

# Draft customer invoices and credit notes not coming from an order (those are
# counted with their order).
_DRAFT_SQL = """
SELECT partner_id, currency_id, 'draft_invoices', SUM(amount), NULL::date, NULL::text
  FROM (SELECT f.commercial_partner_id AS partner_id,
               aml.currency_id,
               CASE WHEN am.move_type = 'out_refund' THEN -aml.price_total
                    ELSE aml.price_total END AS amount
          FROM account_move_line aml
          JOIN family f ON f.id = aml.partner_id
          JOIN account_move am ON am.id = aml.move_id
         WHERE aml.parent_state = 'draft'
           AND aml.display_type = 'product'
           AND aml.company_id = ANY(%(company_ids)s)
           AND am.move_type IN ('out_invoice', 'out_refund')
           AND NOT EXISTS (SELECT 1 FROM sale_order_line_invoice_rel rel
                            WHERE rel.invoice_line_id = aml.id)) draft_line
 GROUP BY 1, 2
"""

# Confirmed orders not yet invoiced: the stored untaxed amount to invoice, plus what
# is still to deliver of lines invoiced on delivery (%(to_deliver)s), grossed up by
# the line's own tax ratio; a down payment line carries a negative amount to invoice
# once its invoice is posted, so it is never counted twice.  The untaxed amount comes
# with it, for the features that judge amounts without tax.
_ORDERS_SQL = """
SELECT ordered.partner_id, ordered.currency_id, part.component,
       ROUND(part.amount / ordered.rounding) * ordered.rounding, NULL::date, NULL::text
  FROM (
    SELECT f.commercial_partner_id AS partner_id,
           so.currency_id,
           currency.rounding,
           SUM(line.untaxed * line.tax_ratio) AS taxed,
           SUM(line.untaxed) AS untaxed
      FROM sale_order so
      JOIN family f ON f.id = so.%(order_partner)s
      JOIN res_currency currency ON currency.id = so.currency_id
      JOIN sale_order_line sol ON sol.order_id = so.id
      LEFT JOIN product_product product ON product.id = sol.product_id
      LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
     CROSS JOIN LATERAL (SELECT
           sol.untaxed_amount_to_invoice + CASE
               WHEN tmpl.invoice_policy = 'delivery'
                AND sol.product_uom_qty > sol.qty_delivered
               THEN %(to_deliver)s * sol.price_subtotal / sol.product_uom_qty
               ELSE 0 END AS untaxed,
           CASE
               WHEN sol.price_subtotal <> 0
                   THEN sol.price_total / sol.price_subtotal
               ELSE 1 + COALESCE((
                   SELECT SUM(tax.amount) / 100
                     FROM account_tax_sale_order_line_rel tax_rel
                     JOIN account_tax tax ON tax.id = tax_rel.account_tax_id
                    WHERE tax_rel.sale_order_line_id = sol.id
                      AND tax.amount_type = 'percent'), 0)
           END AS tax_ratio) line
     WHERE so.state = 'sale'
       AND so.company_id = ANY(%(company_ids)s)
       AND (sol.untaxed_amount_to_invoice <> 0
            OR sol.qty_delivered < sol.product_uom_qty)
  GROUP BY 1, 2, 3
  ) ordered
  CROSS JOIN LATERAL (VALUES
      ('orders_to_invoice', ordered.taxed),
      ('orders_untaxed', ordered.untaxed)) AS part(component, amount)
"""

# The customers' own credit settings in the company, where they have one (the others
# take the field's default): read here, the check needs no other query.
_PROFILE_SQL = """
SELECT partner.id, NULL::int, 'profile:' || setting.name, setting.amount,
       setting.date, NULL::text
  FROM res_partner partner
 CROSS JOIN LATERAL (VALUES
       ('credit_limit', (partner.credit_limit ->> %(company_key)s)::numeric,
        NULL::date),
       ('credit_limit_temp', (partner.credit_limit_temp ->> %(company_key)s)::numeric,
        (partner.credit_limit_temp_end ->> %(company_key)s)::date),
       ('credit_policy_id', (partner.credit_policy_id ->> %(company_key)s)::numeric,
        NULL::date)) AS setting(name, amount, date)
 WHERE partner.id IN (SELECT commercial_partner_id FROM family)
   AND setting.amount IS NOT NULL
"""

# The customers' blocks in the company, one row per origin.
_BLOCKS_SQL = """
SELECT block.partner_id, NULL::int, 'block:' || block.origin, NULL::numeric,
       NULL::date, block.note
  FROM credit_block block
 WHERE block.active
   AND block.company_id = %(company_id)s
   AND block.partner_id IN (SELECT commercial_partner_id FROM family)
"""

# The group of companies each customer belongs to in the company, and its limit.
_GROUP_SQL = """
SELECT member.partner_id, NULL::int, 'profile:' || setting.name, setting.amount,
       NULL::date, NULL::text
  FROM credit_group_member_rel member
  JOIN credit_group grp ON grp.id = member.group_id
 CROSS JOIN LATERAL (VALUES
       ('credit_group_id', grp.id::numeric),
       ('credit_group_limit', grp.credit_limit)) AS setting(name, amount)
 WHERE grp.active
   AND grp.company_id = %(company_id)s
   AND member.partner_id IN (SELECT commercial_partner_id FROM family)
"""

# The commercial partners of the partners asked about, and the other members of
# their groups in the company: a group's exposure is the sum of its members'.
_FAMILY_SQL = """
commercial_partner_id IN (
    SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%(partner_ids)s)
     UNION
    SELECT other.partner_id
      FROM res_partner asked
      JOIN credit_group_member_rel mine
        ON mine.partner_id = asked.commercial_partner_id
      JOIN credit_group grp ON grp.id = mine.group_id
       AND grp.active AND grp.company_id = %(company_id)s
      JOIN credit_group_member_rel other ON other.group_id = grp.id
     WHERE asked.id = ANY(%(partner_ids)s))
"""


class CreditExposure(models.Model):
    """Exposure of every customer of a company, as last refreshed, for lists and pivots.

    The figures are computed by :meth:`_compute_exposures`, the one code path that also
    feeds the partner form and the check at order confirmation.  A column whose name
    is a component's code is filled with that component: an add-on that adds a
    component adds its column by adding the field.
    """

    _name = "credit.exposure"
    _description = "Customer Credit Exposure"
    _order = "utilisation desc, exposure desc"
    _rec_name = "partner_id"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", string="Salesperson")
    credit_limit = fields.Monetary(string="Limit")
    receivable = fields.Monetary(string="Open Receivable")
    overdue = fields.Monetary()
    overdue_days = fields.Integer(string="Days Overdue")
    draft_invoices = fields.Monetary()
    orders_to_invoice = fields.Monetary(string="Orders Not Invoiced")
    guarantees = fields.Monetary(string="Guarantees In Force")
    exposure = fields.Monetary()
    available = fields.Monetary()
    utilisation = fields.Float(string="Utilisation (%)", aggregator="avg")
    refreshed_at = fields.Datetime()

    # Extension points

    @api.model
    def _credit_exposure_components(self):
        """The components of an exposure; add-ons append theirs with ``super()``."""
        return list(credit_rules.CORE_COMPONENTS)

    @api.model
    def _credit_exposure_sql_parts(self):
        """The SELECTs whose rows make the exposure, all in one statement.

        Each selects ``(partner_id, currency_id, component, amount, date, note)`` and
        may use the ``family`` CTE and the parameters of :meth:`_credit_sql_params`.
        """
        return [
            _RECEIVABLE_SQL,
            _DRAFT_SQL,
            _ORDERS_SQL,
            _PROFILE_SQL,
            _BLOCKS_SQL,
            _GROUP_SQL,
            GUARANTEES_SQL,
        ]

    @api.model
    def _credit_exposure_ctes(self):
        """Further common table expressions of the exposure query after ``family``,
        ``name AS (SELECT ...)`` each: the parts and the open items' joins may read
        them."""
        return []

    @api.model
    def _credit_open_item_figures(self):
        """Further figures of the customers' open receivable items, read in the one
        scan of them: ``(component, amount, date)`` each, SQL aggregates over the
        items ``aml`` of the partners ``f`` of ``family`` (and of what
        :meth:`_credit_open_item_joins` joins to them), ``date`` possibly ``NULL``."""
        return []

    @api.model
    def _credit_open_item_joins(self):
        """The joins the open items' figures read, each keeping every item."""
        return []

    @api.model
    def _credit_family_filter(self, company, partner_ids):
        """The condition on ``res_partner`` of the partners whose rows the exposure
        query reads when asked about ``partner_ids``: their commercial partners and
        the other members of their groups, with their contacts; add-ons may widen
        it."""
        return SQL(_FAMILY_SQL, partner_ids=partner_ids, company_id=company.id)

    @api.model
    def _credit_additive_components(self):
        return frozenset(
            c.code for c in self._credit_exposure_components() if c.additive
        )

    @api.model
    def _credit_sql_params(self, company, today):
        company_ids = SQL(
            "ARRAY(SELECT id FROM res_company WHERE parent_path LIKE %s)",
            f"{company.root_id.id}/%",
        )
        return {
            "today": today,
            "company_id": company.id,
            "company_key": str(company.id),
            "company_ids": company_ids,
            "open_receivable": SQL(OPEN_RECEIVABLE_SQL, company_ids=company_ids),
            "order_partner": SQL.identifier(company._credit_order_partner_field()),
            "to_deliver": self._credit_to_deliver_sql(),
        }

    @api.model
    def _credit_to_deliver_sql(self):
        """What is still to be delivered of an order line, in its unit of measure.

        What is ordered and not delivered; for a line delivered by stock moves, no
        more than its outgoing moves not done nor cancelled still carry, so that a
        cancelled backorder or a return leaves the exposure.
        """
        undelivered = SQL("(sol.product_uom_qty - sol.qty_delivered)")
        stock_move = self.env.registry.get("stock.move")
        if stock_move is None or "sale_line_id" not in stock_move._fields:
            return undelivered
        return SQL(
            """CASE WHEN EXISTS (SELECT 1 FROM stock_move move
                                  WHERE move.sale_line_id = sol.id)
                    THEN LEAST(%s, COALESCE((
                        SELECT SUM(move.product_uom_qty)
                          FROM stock_move move
                          JOIN stock_location dest ON dest.id = move.location_dest_id
                         WHERE move.sale_line_id = sol.id
                           AND move.state NOT IN ('done', 'cancel')
                           AND dest.usage = 'customer'), 0))
                    ELSE %s END""",
            undelivered,
            undelivered,
        )

    # The query

    @api.model
    def _compute_exposures(self, company, partner_ids=None):
        """Exposure per commercial partner id, in company currency, at today's rates.

        ``partner_ids`` limits the question to the commercial partners of these
        partners (contacts and addresses stand for their company); ``None`` asks it
        for every customer of the company.  One SQL query whatever their number.
        The exposures count every additive component; the policy narrows them with
        :meth:`credit.policy._credit_counted_components`.
        """
        partner_filter = (
            SQL("TRUE")
            if partner_ids is None
            else self._credit_family_filter(company, list(partner_ids))
        )
        # Every part may read any table (an add-on's too): write what is pending.
        self.env.flush_all()
        today = fields.Date.context_today(self)
        params = self._credit_sql_params(company, today)
        params.update(self._credit_open_item_sql(params))
        parts = [SQL(part, **params) for part in self._credit_exposure_sql_parts()]
        # The family of a few customers computed once: inlined in every part, it
        # costs PostgreSQL more to plan the query than to run it.  The family of
        # every customer is inlined: the parts join it as they would the partners.
        query = SQL(
            "WITH family AS %s (%s)%s %s",
            SQL("NOT MATERIALIZED" if partner_ids is None else "MATERIALIZED"),
            SQL(
                "SELECT id, commercial_partner_id FROM res_partner WHERE %s",
                partner_filter,
            ),
            SQL("").join(
                SQL(", %s", SQL(cte, **params)) for cte in self._credit_exposure_ctes()
            ),
            SQL(" UNION ALL ").join(parts),
        )
        if partner_ids is None:
            # For every customer the plan costs enough for PostgreSQL to compile it
            # just in time, which takes longer than running it, and the open items'
            # aggregate outgrows the default working memory (both for the rest of
            # the transaction: a refresh, a report or a cron).
            query = SQL("SET LOCAL jit = off; SET LOCAL work_mem = '32MB'; %s", query)
        self.env.cr.execute(query)
        rows = self.env.cr.fetchall()
        currency = company.currency_id
        rates = self._rates_to(
            currency, company, today, {row[1] for row in rows if row[1]}
        )
        per_partner = defaultdict(list)
        for partner_id, currency_id, component, amount, date, note in rows:
            rate = rates[currency_id] if currency_id else 1
            per_partner[partner_id].append((component, amount, date, note, rate))
        round_amount = partial(float_round, precision_rounding=currency.rounding)
        components = self._credit_exposure_components()
        return {
            partner_id: credit_rules.merge_rows(partner_rows, components, round_amount)
            for partner_id, partner_rows in per_partner.items()
        }

    @api.model
    def _credit_open_item_sql(self, params):
        """The add-ons' figures of the open items as the receivable part reads
        them: columns of its aggregate, rows of its components, joins."""
        figures = list(enumerate(self._credit_open_item_figures()))
        return {
            "open_item_columns": SQL("").join(
                SQL(
                    ", %s AS %s, (%s)::date AS %s",
                    SQL(amount, **params),
                    SQL.identifier(f"item_{index}"),
                    SQL(date, **params),
                    SQL.identifier(f"item_{index}_date"),
                )
                for index, (_code, amount, date) in figures
            ),
            "open_item_rows": SQL("").join(
                SQL(
                    ", (%s, open_items.%s, open_items.%s)",
                    code,
                    SQL.identifier(f"item_{index}"),
                    SQL.identifier(f"item_{index}_date"),
                )
                for index, (code, _amount, _date) in figures
            ),
            "open_item_joins": SQL(" ").join(
                SQL(join, **params) for join in self._credit_open_item_joins()
            ),
        }

    @api.model
    def _credit_counted(self, company, exposures):
        """Per commercial partner id of ``exposures``: ``(policy, exposure)``, the
        customer's policy in ``company`` (if any) and its exposure counting the
        components that policy counts."""
        everything = self._credit_additive_components()
        policies = {}
        counted_exposures = {}
        for partner_id, exposure in exposures.items():
            policy_id = int(exposure.profile.get("credit_policy_id") or 0)
            if policy_id not in policies:
                policy = company._credit_policy_for(policy_id)
                counted = policy._credit_snapshot().counted if policy else everything
                policies[policy_id] = (policy, counted)
            policy, counted = policies[policy_id]
            counted_exposures[partner_id] = (policy, exposure.counting(counted))
        return counted_exposures

    @api.model
    def _credit_judge(self, company, exposures, today):
        """Per commercial partner id of ``exposures``: ``(policy, exposure, limit)``,
        the customer's policy in ``company`` (if any), its exposure counting the
        components that policy counts (and, for a member of a group, what the
        members among ``exposures`` owe together), and its limit in force today."""
        counted_exposures = self._credit_counted(company, exposures)
        limits = (
            self.env["res.partner"]
            .with_company(company)
            ._credit_effective_limits(counted_exposures, today)
        )
        groups = credit_rules.group_totals(
            exposure for _policy, exposure in counted_exposures.values()
        )
        judged = {}
        for partner_id, (policy, exposure) in counted_exposures.items():
            group_id = exposure.profile.get(credit_rules.GROUP_ID)
            if group_id:
                exposure = replace(
                    exposure,
                    profile={
                        **exposure.profile,
                        credit_rules.GROUP_EXPOSURE: groups[group_id],
                    },
                )
            judged[partner_id] = (policy, exposure, limits[partner_id])
        return judged

    @api.model
    def _rates_to(self, currency, company, date, currency_ids):
        currencies = self.env["res.currency"].browse(currency_ids)
        return {
            c.id: self.env["res.currency"]._get_conversion_rate(
                c, currency, company, date
            )
            for c in currencies
        }

    # The report

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
        """Recompute the rows of the current company and open them."""
        self.check_access("read")
        self._refresh(self.env.company)
        return self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_exposure_action"
        )

    @api.model
    def _refresh(self, company):
        """Replace the company's rows by its customers' exposure as it is now."""
        # One refresh of a company at a time, on the lock row of the company's own
        # partner: the second waits, then fails with a serialisation error and is
        # retried on a snapshot holding the first one's rows.
        self.env["credit.check.lock"].sudo()._acquire(
            [(company.partner_id.id, company.id)]
        )
        exposures = self.sudo()._compute_exposures(company)
        partners = (
            self.env["res.partner"].sudo().with_company(company).browse(list(exposures))
        )
        salespeople = self._credit_salespeople(company)
        today = fields.Date.context_today(self)
        judged = self._credit_judge(company, exposures, today)
        now = fields.Datetime.now()
        values = []
        for partner in partners:
            _policy, figures, limit = judged[partner.id]
            values.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": partner.user_id.id or salespeople.get(partner.id),
                    "refreshed_at": now,
                    **self._credit_report_values(figures, limit, today),
                }
            )
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM credit_exposure WHERE company_id = %s", company.id))
        if values:
            names = list(values[0])
            copy_rows(cr, self._table, names, (row.values() for row in values))
        self.invalidate_model()

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
    def _credit_salespeople(self, company):
        """Per commercial partner, the salesperson of its latest order in the company,
        for the customers that have none of their own."""
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (partner.commercial_partner_id)
                          partner.commercial_partner_id, so.user_id
                     FROM sale_order so
                     JOIN res_partner partner ON partner.id = so.partner_id
                    WHERE so.company_id = %s AND so.user_id IS NOT NULL
                    ORDER BY partner.commercial_partner_id, so.date_order DESC""",
                company.id,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _cron_refresh(self):
        for company in self.env["res.company"].search(
            [("credit_check_active", "=", True)]
        ):
            self._refresh(company)
