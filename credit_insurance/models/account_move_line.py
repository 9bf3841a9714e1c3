from odoo import api, fields, models
from odoo.tools import sql

from odoo.addons.credit_control.models.account_move_line import (
    OPEN_ITEMS_INCLUDE,
    open_items_index,
)

# What the exposure query needs to know of a journal item's invoice, copied onto the
# item so that it reads the insured buyers' open items index-only, in the scan of
# credit_control (the invoice of each of 10 000 open items costs more than the rest).
FILL_SQL = """
UPDATE account_move_line line
   SET credit_insurable = (move.move_type = 'out_invoice'
                           AND move.credit_disputed IS NOT TRUE),
       credit_untaxed_ratio = COALESCE(
           move.amount_untaxed_signed / NULLIF(move.amount_total_signed, 0), 1)
  FROM account_move move
 WHERE move.id = line.move_id
"""


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # an item of a customer invoice not disputed: insurable within the policy's
    # maximum credit terms
    credit_insurable = fields.Boolean(
        string="Insurable", compute="_compute_credit_insurance", store=True
    )
    # the untaxed share of the item's entry
    credit_untaxed_ratio = fields.Float(
        string="Untaxed Share",
        digits=0,
        compute="_compute_credit_insurance",
        store=True,
    )

    # credit_control's index of the open items per customer, with what the
    # insurance figures read of them.
    _credit_exposure_idx = open_items_index(
        (
            *OPEN_ITEMS_INCLUDE,
            "invoice_date",
            "credit_insurable",
            "credit_untaxed_ratio",
        )
    )

    def _auto_init(self):
        # Filled in one statement on install rather than computed line by line.
        cr = self.env.cr
        if not sql.column_exists(cr, self._table, "credit_insurable"):
            sql.create_column(cr, self._table, "credit_insurable", "boolean")
            sql.create_column(cr, self._table, "credit_untaxed_ratio", "numeric")
            cr.execute(FILL_SQL)
        return super()._auto_init()

    @api.depends(
        "move_id.move_type",
        "move_id.credit_disputed",
        "move_id.amount_untaxed_signed",
        "move_id.amount_total_signed",
    )
    def _compute_credit_insurance(self):
        for line in self:
            move = line.move_id
            line.credit_insurable = (
                move.move_type == "out_invoice" and not move.credit_disputed
            )
            line.credit_untaxed_ratio = (
                move.amount_untaxed_signed / move.amount_total_signed
                if move.amount_total_signed
                else 1.0
            )
