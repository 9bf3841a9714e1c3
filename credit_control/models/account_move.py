from odoo import fields, models
from odoo.exceptions import AccessError, UserError

CONTROLLER_GROUP = "credit_control.group_credit_controller"


class AccountMove(models.Model):
    """A customer invoice under dispute: it stays in the exposure, but is neither
    chased nor insured while the dispute lasts."""

    _inherit = "account.move"

    credit_disputed = fields.Boolean(
        string="Disputed", readonly=True, copy=False, tracking=True
    )
    credit_dispute_reason = fields.Char(
        string="Dispute Reason", readonly=True, copy=False, tracking=True
    )
    credit_dispute_date = fields.Date(
        string="Disputed Since", readonly=True, copy=False
    )
    credit_dispute_user_id = fields.Many2one(
        "res.users", string="Dispute Flagged By", readonly=True, copy=False
    )

    def _credit_check_controller(self):
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can flag or close a dispute.")
            )

    def action_credit_dispute(self, reason):
        """Flag the customer invoices as disputed for ``reason``."""
        self._credit_check_controller()
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason of the dispute."))
        if any(move.move_type not in ("out_invoice", "out_refund") for move in self):
            raise UserError(self.env._("Only customer invoices can be disputed."))
        self.check_access("read")
        self.sudo().write(
            {
                "credit_disputed": True,
                "credit_dispute_reason": reason.strip(),
                "credit_dispute_date": fields.Date.context_today(self),
                "credit_dispute_user_id": self.env.uid,
            }
        )
        self._credit_log_dispute(
            lambda invoices: self.env._(
                "Dispute flagged on %(invoices)s: %(reason)s",
                invoices=invoices,
                reason=reason.strip(),
            )
        )
        return True

    def action_credit_dispute_close(self):
        """The dispute is settled: the invoices count again."""
        self._credit_check_controller()
        self.check_access("read")
        self.sudo().write(
            {
                "credit_disputed": False,
                "credit_dispute_reason": False,
                "credit_dispute_date": False,
                "credit_dispute_user_id": False,
            }
        )
        self._credit_log_dispute(
            lambda invoices: self.env._(
                "Dispute closed on %(invoices)s.", invoices=invoices
            )
        )
        return True

    def _credit_log_dispute(self, body):
        """A note on each customer of these invoices, ``body`` of their names."""
        self.env["res.partner"]._credit_log_contacts(
            {
                partner.id: body(", ".join(moves.mapped("display_name")))
                for partner, moves in self.grouped("commercial_partner_id").items()
            }
        )
