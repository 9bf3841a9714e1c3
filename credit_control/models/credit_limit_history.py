from odoo import fields, models


class CreditLimitHistory(models.Model):
    """A change of a customer's credit limit or temporary limit in a company: who
    made it, from what source and why.  Written by the code only (sudo)."""

    _name = "credit.limit.history"
    _description = "Credit Limit History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user
    )
    kind = fields.Selection(
        [("limit", "Credit limit"), ("temporary", "Temporary limit")],
        required=True,
        default="limit",
    )
    old_amount = fields.Monetary()
    new_amount = fields.Monetary()
    date_end = fields.Date(
        string="Temporary Until",
        help="The end of the temporary limit set, or of the one taken off.",
    )
    source = fields.Selection(
        [
            ("manual", "Manual"),
            ("request", "Limit request"),
            ("scoring", "Scoring"),
            ("insurer", "Insurer"),
            ("expiry", "Expiry"),
        ],
        required=True,
        default="manual",
    )
    reason = fields.Char()
