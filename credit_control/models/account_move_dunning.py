from odoo import fields, models


class AccountMove(models.Model):
    """How far the dunning of a customer invoice went; written by the run only."""

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    credit_dunning_level_id = fields.Many2one(
        "credit.dunning.level",
        string="Dunning Level",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The last dunning level the invoice reached.",
    )
    credit_dunning_date = fields.Date(
        string="Dunned On",
        readonly=True,
        copy=False,
        help="The day the invoice reached its dunning level.",
    )
    credit_interest_until = fields.Date(
        string="Interest Charged Until",
        readonly=True,
        copy=False,
        help="Late interest on the invoice has been invoiced up to this day.",
    )
