from odoo import api, models
from odoo.tools import SQL, sql

from .credit_exposure_report import figures_key

# Customers whose exposure rows (``credit.exposure``) may no longer be right: triggers
# on the tables the exposure query reads add the partners of the rows a statement
# changed (NULL: every customer).  Rows are only ever inserted, so that two
# transactions marking the same customer never wait for each other; a refresh deletes
# those it has taken into account.
TABLE = "credit_exposure_stale"

TABLE_SQL = """
CREATE TABLE IF NOT EXISTS credit_exposure_stale (
    id bigserial PRIMARY KEY, partner_id integer);
CREATE OR REPLACE FUNCTION credit_exposure_stale_everyone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO credit_exposure_stale (partner_id) VALUES (NULL);
    RETURN NULL;
END $$;
"""

# The partners of a statement's rows: %(new)s and %(old)s select them from the
# transition tables of the rows it inserted (new_rows) or deleted (old_rows), of both
# for an update.
PARTNERS_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO credit_exposure_stale (partner_id)
        SELECT DISTINCT partner_id FROM (%(new)s) marked(partner_id)
         WHERE partner_id IS NOT NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO credit_exposure_stale (partner_id)
        SELECT DISTINCT partner_id FROM (%(new)s UNION %(old)s) marked(partner_id)
         WHERE partner_id IS NOT NULL;
    ELSE
        INSERT INTO credit_exposure_stale (partner_id)
        SELECT DISTINCT partner_id FROM (%(old)s) marked(partner_id)
         WHERE partner_id IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER credit_exposure_stale_insert AFTER INSERT ON %(source)s
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %(function)s();
CREATE TRIGGER credit_exposure_stale_update AFTER UPDATE ON %(source)s
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %(function)s();
CREATE TRIGGER credit_exposure_stale_delete AFTER DELETE ON %(source)s
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION %(function)s();
"""
TRIGGERS = (
    "credit_exposure_stale",
    "credit_exposure_stale_insert",
    "credit_exposure_stale_update",
    "credit_exposure_stale_delete",
)


def _orders_partners(rows, join=""):
    """The customers of the orders ``so`` of ``rows`` (either partner an order's
    credit may go to)."""
    return (
        f"SELECT partner FROM {rows} {join} CROSS JOIN LATERAL "
        "(VALUES (so.partner_id), (so.partner_invoice_id)) AS order_partner(partner)"
    )


class CreditExposureStale(models.AbstractModel):
    """The customers whose rows of *Customers by Exposure* a refresh recomputes.

    Triggers installed by :meth:`_register_hook` mark them in the table
    ``credit_exposure_stale``: they see every change, the ORM's as well as SQL's. An
    add-on whose part of the exposure reads further tables names them in
    :meth:`_credit_stale_sources` or :meth:`_credit_stale_settings`.
    """

    _name = "credit.exposure.stale"
    _description = "Customers Whose Credit Exposure Changed"

    @api.model
    def _credit_stale_sources(self):
        """Per table, the SELECT of the partners whose exposure a change of its rows
        ``{rows}`` may change (a contact stands for its commercial partner)."""
        sources = {
            "account_move_line": "SELECT partner_id FROM {rows}",
            "account_move": "SELECT partner_id FROM {rows} UNION ALL "
            "SELECT commercial_partner_id FROM {rows}",
            "sale_order": _orders_partners("{rows} so"),
            "sale_order_line": _orders_partners(
                "{rows} sol", "JOIN sale_order so ON so.id = sol.order_id"
            ),
            "sale_order_line_invoice_rel": "SELECT aml.partner_id FROM {rows} rel "
            "JOIN account_move_line aml ON aml.id = rel.invoice_line_id",
            "account_tax_sale_order_line_rel": _orders_partners(
                "{rows} rel",
                "JOIN sale_order_line sol ON sol.id = rel.sale_order_line_id "
                "JOIN sale_order so ON so.id = sol.order_id",
            ),
            "res_partner": "SELECT id FROM {rows} UNION ALL "
            "SELECT commercial_partner_id FROM {rows}",
            "credit_block": "SELECT partner_id FROM {rows}",
            "credit_guarantee": "SELECT partner_id FROM {rows}",
            # the group's figures of each member: its members' together
            "credit_group_member_rel": "SELECT partner_id FROM {rows} UNION ALL "
            "SELECT member.partner_id FROM {rows} changed "
            "JOIN credit_group_member_rel member ON member.group_id = changed.group_id",
            "credit_group": "SELECT member.partner_id FROM {rows} grp "
            "JOIN credit_group_member_rel member ON member.group_id = grp.id",
        }
        stock_move = self.env.registry.get("stock.move")
        if stock_move is not None and "sale_line_id" in stock_move._fields:
            sources["stock_move"] = _orders_partners(
                "{rows} move",
                "JOIN sale_order_line sol ON sol.id = move.sale_line_id "
                "JOIN sale_order so ON so.id = sol.order_id",
            )
        return sources

    @api.model
    def _credit_stale_settings(self):
        """Per table, the columns whose change may change every customer's exposure
        (an empty tuple: any row inserted, changed or deleted)."""
        settings = {
            "res_currency_rate": (),
            "res_currency": ("rounding",),
            "res_company": (),
            "credit_policy": (),
            "ir_default": (),
            "account_account": ("account_type",),
            "account_tax": ("amount", "amount_type"),
            "product_template": ("invoice_policy",),
        }
        if "stock.location" in self.env.registry:
            settings["stock_location"] = ("usage",)
        return settings

    def _register_hook(self):
        super()._register_hook()
        self._credit_install_triggers()
        self._credit_check_kept_figures()

    @api.model
    def _credit_check_kept_figures(self):
        """Rows that keep other figures than customers now have (an add-on added
        some) are all stale."""
        if not sql.column_exists(self.env.cr, "credit_exposure", "figures"):
            return  # the add-on not upgraded yet
        Partner = self.env["res.partner"]
        names = [
            name
            for name, field in Partner._fields.items()
            if field.compute == "_compute_credit_figures"
            and name != "credit_currency_id"
        ]
        self.env.cr.execute(
            SQL(
                """INSERT INTO credit_exposure_stale (partner_id)
                   SELECT NULL FROM credit_exposure
                    WHERE (figures ->> 0)::bigint <> %s
                    LIMIT 1""",
                figures_key(names),
            )
        )

    @api.model
    def _credit_install_triggers(self):
        """Create the table and the triggers that are missing, drop those of tables
        that no longer are sources (an add-on uninstalled)."""
        cr = self.env.cr
        sources = self._credit_stale_sources()
        settings = self._credit_stale_settings()
        present = self._credit_triggered_tables()
        if present == {*sources, *settings}:
            return
        cr.execute(SQL(TABLE_SQL))
        for table in present - {*sources, *settings}:
            self._credit_drop_triggers(table)
        for table in sources.keys() - present:
            rows = sources[table]
            cr.execute(
                SQL(
                    PARTNERS_FUNCTION_SQL,
                    function=SQL.identifier(f"{TABLE}_{table}"),
                    source=SQL.identifier(table),
                    new=SQL(rows.format(rows="new_rows")),
                    old=SQL(rows.format(rows="old_rows")),
                )
            )
        for table in settings.keys() - present:
            cr.execute(self._credit_settings_trigger(table, settings[table]))

    @api.model
    def _credit_triggered_tables(self):
        """The tables that have the triggers (none before the table exists)."""
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger
                    WHERE tgname = ANY(%s) AND to_regclass(%s) IS NOT NULL""",
                list(TRIGGERS),
                TABLE,
            )
        )
        return {table for (table,) in self.env.cr.fetchall()}

    @api.model
    def _credit_settings_trigger(self, table, columns):
        if not columns:
            return SQL(
                "CREATE TRIGGER credit_exposure_stale "
                "AFTER INSERT OR UPDATE OR DELETE ON %s "
                "FOR EACH STATEMENT EXECUTE FUNCTION credit_exposure_stale_everyone()",
                SQL.identifier(table),
            )
        return SQL(
            "CREATE TRIGGER credit_exposure_stale AFTER UPDATE OF %s ON %s "
            "FOR EACH ROW WHEN (%s) "
            "EXECUTE FUNCTION credit_exposure_stale_everyone()",
            SQL(", ").join(map(SQL.identifier, columns)),
            SQL.identifier(table),
            SQL(" OR ").join(
                SQL(
                    "%s IS DISTINCT FROM %s",
                    SQL.identifier("old", column),
                    SQL.identifier("new", column),
                )
                for column in columns
            ),
        )

    @api.model
    def _credit_drop_triggers(self, table):
        cr = self.env.cr
        for trigger in TRIGGERS:
            cr.execute(
                SQL(
                    "DROP TRIGGER IF EXISTS %s ON %s",
                    SQL.identifier(trigger),
                    SQL.identifier(table),
                )
            )
        cr.execute(
            SQL(
                "DROP FUNCTION IF EXISTS %s() CASCADE",
                SQL.identifier(f"{TABLE}_{table}"),
            )
        )

    @api.model
    def _credit_uninstall(self):
        """Drop the triggers, their functions and the table."""
        for table in self._credit_triggered_tables():
            self._credit_drop_triggers(table)
        self.env.cr.execute(
            SQL("DROP FUNCTION IF EXISTS credit_exposure_stale_everyone() CASCADE")
        )
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS credit_exposure_stale"))

    @api.model
    def _credit_take(self):
        """The marks: ``(ids, partners, everyone)``, the ids of the marks, the
        commercial partners they name (a partner deleted since has taken its rows
        with it) and whether one of them names every customer."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT stale.id, stale.partner_id, partner.commercial_partner_id
                     FROM credit_exposure_stale stale
                     LEFT JOIN res_partner partner
                       ON partner.id = stale.partner_id"""
            )
        )
        ids, partners, everyone = [], set(), False
        for mark_id, partner_id, commercial_id in self.env.cr.fetchall():
            ids.append(mark_id)
            everyone = everyone or partner_id is None
            if commercial_id:
                partners.add(commercial_id)
        return ids, partners, everyone

    @api.model
    def _credit_forget(self, ids):
        """Delete the marks a refresh has taken into account."""
        if ids:
            self.env.cr.execute(
                SQL("DELETE FROM credit_exposure_stale WHERE id = ANY(%s)", ids)
            )
