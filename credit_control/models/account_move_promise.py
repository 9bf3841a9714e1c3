from odoo import models


class AccountMove(models.Model):
    """A customer's promise to pay an invoice, recorded from the invoice."""

    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def action_credit_promise(self):
        """A new promise to pay of the invoice's customer for the invoice."""
        self.ensure_one()
        self.env["credit.promise"]._credit_check_rights()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "credit.promise",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_move_ids": self.ids,
                "default_company_id": self.company_id.id,
            },
        }
