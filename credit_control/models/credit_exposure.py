from collections import defaultdict
from dataclasses import replace
from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL, float_round

from ..lib import credit_rules
from ..tools import user_today
from .credit_exposure_sql import (
    BLOCKS_SQL,
    DRAFT_SQL,
    GROUP_SQL,
    OPEN_RECEIVABLE_SQL,
    ORDERS_SQL,
    PROFILE_SQL,
    RECEIVABLE_SQL,
)
from .credit_guarantee import GUARANTEES_SQL


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
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
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
    # the day the figures are of, and the customer's figures as its form shows them
    # (``res.partner._credit_figure_values``): a list of customers reads them
    as_of = fields.Date()
    figures = fields.Json()

    _company_as_of_idx = models.Index("(company_id, as_of)")

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
            RECEIVABLE_SQL,
            DRAFT_SQL,
            ORDERS_SQL,
            PROFILE_SQL,
            BLOCKS_SQL,
            GROUP_SQL,
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
    def _credit_family_ids(self, company, partner_ids):
        """The commercial partners whose rows the exposure query reads when asked
        about ``partner_ids``: theirs and the other members of their groups in
        ``company``; add-ons may widen it."""
        asked = self.env["res.partner"].browse(partner_ids).commercial_partner_id
        mates = self.env["credit.group"]._credit_group_members().get(company.id, {})
        return sorted(set(asked.ids).union(*(mates.get(p, ()) for p in asked.ids)))

    @api.model
    def _credit_additive_components(self):
        return frozenset(
            c.code for c in self._credit_exposure_components() if c.additive
        )

    @api.model
    def _credit_sql_params(self, company, today):
        company_ids = list(self.env["res.company"]._credit_tree_ids(company.root_id.id))
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
        if partner_ids is None:
            partner_filter = SQL("TRUE")
            in_family = SQL("IN (SELECT commercial_partner_id FROM family)")
        else:
            # the ids themselves: PostgreSQL takes longer to plan a search for them
            # than to run the rest of the query
            family_ids = self._credit_family_ids(company, list(partner_ids))
            partner_filter = SQL("commercial_partner_id = ANY(%s)", family_ids)
            in_family = SQL("= ANY(%s)", family_ids)
        # Every part may read any table (an add-on's too): write what is pending.
        self.env.flush_all()
        today = user_today(self)
        params = dict(self._credit_sql_params(company, today), in_family=in_family)
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
