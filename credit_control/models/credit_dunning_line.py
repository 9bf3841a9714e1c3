from odoo import fields, models


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
