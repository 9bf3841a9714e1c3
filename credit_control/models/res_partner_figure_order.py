from odoo import api, fields, models
from odoo.tools import SQL


class ResPartner(models.Model):
    """Customers sorted by a credit figure: by the figures Customers by Exposure
    keeps, those of the customers whose figures changed since computed now."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        # whether a figure is sortable is known without computing any
        return super(
            ResPartner, self.with_context(credit_figure_probe=True)
        ).fields_get(allfields, attributes)

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        field = self._fields.get(field_name)
        if (
            field is None
            or field.compute != "_compute_credit_figures"
            or field.type not in ("float", "integer")
        ):
            return super()._order_field_to_sql(
                alias, field_name, direction, nulls, query
            )
        self._check_field_access(field, "read")
        if self.env.context.get("credit_figure_probe"):
            return SQL("%s %s %s", SQL.identifier(alias, "id"), direction, nulls)
        return SQL(
            "%s %s %s",
            self._credit_figure_sql(alias, field_name, query),
            direction,
            nulls,
        )

    @api.model
    def _credit_figure_sql(self, alias, name, query):
        """The figure ``name`` of the partners ``alias`` of ``query``: their
        commercial partner's, as Customers by Exposure keeps it, or as computed now
        for those whose figures changed since.  Rows of another day are brought up
        to date first."""
        company = self.env.company
        Exposure = self.env["credit.exposure"].sudo()
        changed, last_mark = Exposure._credit_kept_state(company)
        if changed is None:
            Exposure._refresh(company)
            changed, last_mark = Exposure._credit_kept_state(company)
        today = fields.Date.context_today(self)
        key = ("credit_live_figures", company.id, today, last_mark)
        cache = self.env.cr.cache
        if key not in cache:
            cache[key] = self._credit_live_figures(company, [0, *changed], today)
        live = cache[key]
        nothing = live[0]
        kept = query.make_alias(alias, "credit_kept")
        query.add_join(
            "LEFT JOIN",
            kept,
            "credit_exposure",
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(kept, "partner_id"),
                SQL.identifier(alias, "commercial_partner_id"),
                SQL.identifier(kept, "company_id"),
                company.id,
            ),
        )
        fresh = query.make_alias(alias, f"credit_live_{name}")
        query.add_join(
            "LEFT JOIN",
            fresh,
            SQL(
                "(SELECT * FROM unnest(%s::int[], %s::float8[]) AS live(id, value))",
                list(changed),
                [live[root][name] for root in changed],
            ),
            SQL(
                "%s = %s",
                SQL.identifier(fresh, "id"),
                SQL.identifier(alias, "commercial_partner_id"),
            ),
        )
        # the figures a row keeps: the key of their names, then their values
        return SQL(
            "COALESCE(%s, (%s ->> %s)::float8, %s)",
            SQL.identifier(fresh, "value"),
            SQL.identifier(kept, "figures"),
            sorted(nothing).index(name) + 1,
            nothing[name],
        )
