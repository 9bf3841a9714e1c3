from odoo import api, fields, models
from odoo.tools import SQL

# The columns the run gives, and their types.
COLUMNS = {
    "dunning_id": "int",
    "move_line_id": "int",
    "move_id": "int",
    "level_id": "int",
    "date_maturity": "date",
    "residual": "numeric",
    "days_overdue": "int",
    "interest": "numeric",
    "stepped": "bool",
}


class CreditDunningLine(models.Model):
    """An invoice listed by a dunning communication: one that reached a level
    today, or another overdue invoice of the customer recalled with it."""

    _name = "credit.dunning.line"
    _description = "Dunning Communication Line"
    _order = "dunning_id, date_maturity, id"

    dunning_id = fields.Many2one(
        "credit.dunning", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="dunning_id.company_id", store=True)
    currency_id = fields.Many2one(related="dunning_id.currency_id")
    move_line_id = fields.Many2one("account.move.line", string="Journal Item")
    move_id = fields.Many2one("account.move", string="Invoice", required=True)
    level_id = fields.Many2one("credit.dunning.level")
    date_maturity = fields.Date(string="Due Date")
    residual = fields.Monetary(string="Amount Due")
    days_overdue = fields.Integer()
    interest = fields.Monetary()
    stepped = fields.Boolean(
        string="Reached A Level",
        help="The invoice reached its level with this communication; the other "
        "lines recall overdue invoices that did not move.",
    )

    @api.model
    def _credit_insert(self, values_list):
        """Create the lines of ``values_list`` (the keys of ``COLUMNS``, amounts
        rounded to their currency) in one INSERT; the company is their
        communication's.  Nothing else is computed on a line: a run writes some
        hundred thousand of them."""
        if not values_list:
            return
        self.env["credit.dunning"].flush_model(["company_id"])
        now, uid = self.env.cr.now(), self.env.uid
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO credit_dunning_line (%(columns)s, company_id,
                            create_uid, create_date, write_uid, write_date)
                SELECT line.*, dunning.company_id, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM unnest(%(arrays)s) AS line(%(columns)s)
                  JOIN credit_dunning dunning ON dunning.id = line.dunning_id
                """,
                columns=SQL(", ").join(SQL.identifier(name) for name in COLUMNS),
                arrays=SQL(", ").join(
                    SQL(
                        f"%s::{kind}[]",
                        [values[name] for values in values_list],
                    )
                    for name, kind in COLUMNS.items()
                ),
                uid=uid,
                now=now,
            )
        )
