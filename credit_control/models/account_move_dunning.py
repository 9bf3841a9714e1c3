from odoo import api, fields, models
from odoo.tools import SQL


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

    def _credit_write_dunning(self, vals):
        """Write the dunning fields ``vals`` of these invoices: none of their lines
        or totals change, so without the invoice's line synchronisation and balance
        check (the bulk of a write on an invoice), and without flagging them as
        manually modified."""
        return self.with_context(
            skip_invoice_sync=True,
            check_move_validity=False,
            skip_is_manually_modified=True,
        ).write(vals)

    @api.model
    def _credit_record_levels(self, levels, today):
        """Record that the invoices of ``levels`` (invoice id: level id) reached
        their dunning level on ``today``, in one UPDATE: none of their lines,
        totals or tracked fields change."""
        if not levels:
            return
        self.flush_model(["credit_dunning_level_id", "credit_dunning_date"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET credit_dunning_level_id = level.id, "
                "credit_dunning_date = %s, write_uid = %s, write_date = %s "
                "FROM (VALUES %s) AS level(move_id, id) "
                "WHERE account_move.id = level.move_id",
                today,
                self.env.uid,
                self.env.cr.now(),
                SQL(", ").join(SQL("(%s, %s)", *pair) for pair in levels.items()),
            )
        )
        self.browse(list(levels)).invalidate_recordset(
            [
                "credit_dunning_level_id",
                "credit_dunning_date",
                "write_uid",
                "write_date",
            ]
        )
