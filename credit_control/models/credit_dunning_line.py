from odoo import api, fields, models

from ..tools import copy_rows


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
        """Create the lines of ``values_list`` (the same keys in each, amounts
        rounded to their currency, the company their communication's) at once.
        Nothing else is computed on a line: a run writes some hundred thousand of
        them."""
        if not values_list:
            return
        now, uid = self.env.cr.now(), self.env.uid
        names = list(values_list[0])
        copy_rows(
            self.env.cr,
            self._table,
            [*names, "create_uid", "create_date", "write_uid", "write_date"],
            ((*(v[name] for name in names), uid, now, uid, now) for v in values_list),
        )
