from odoo import api, models
from odoo.exceptions import AccessError, UserError

from .sale_order import credit_engine, is_credit_engine


class SaleOrder(models.Model):
    """Only the credit check and the credit managers' decisions confirm orders and
    set their credit status: every other way to a confirmed order goes through the
    check."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        if not is_credit_engine(self.env):
            if any("credit_state" in vals for vals in vals_list):
                raise AccessError(
                    self.env._("The credit status is set by the credit check only.")
                )
            to_confirm = [vals.get("state") == "sale" for vals in vals_list]
            vals_list = [
                dict(vals, state="draft") if confirm else vals
                for vals, confirm in zip(vals_list, to_confirm, strict=True)
            ]
        else:
            to_confirm = [False] * len(vals_list)
        orders = super().create(vals_list)
        orders.browse(
            [
                order.id
                for order, confirm in zip(orders, to_confirm, strict=True)
                if confirm
            ]
        ).action_confirm()
        return orders

    def write(self, vals):
        if not is_credit_engine(self.env):
            if "credit_state" in vals:
                raise AccessError(
                    self.env._(
                        "The credit status is set by the credit check and the "
                        "credit managers' decisions only."
                    )
                )
            if vals.get("state") == "sale" and any(o.state != "sale" for o in self):
                raise UserError(
                    self.env._(
                        "Confirm quotations with the Confirm button, so that they "
                        "pass the credit check."
                    )
                )
        if vals.get("state") in ("draft", "cancel"):
            self._credit_reset(vals["state"])
        return super().write(vals)

    def _credit_reset(self, state):
        """Cancelled or back to quotation: no credit status, nothing to review.

        A rejection stays until a credit manager decides otherwise.
        """
        self._credit_clear_holds(
            self.env._("The order was cancelled.")
            if state == "cancel"
            else self.env._("The order went back to quotation.")
        )
        stale = self.filtered(lambda o: o.credit_state not in (False, "rejected"))
        if stale:
            credit_engine(stale.sudo()).write({"credit_state": False})

    def unlink(self):
        self._credit_clear_holds(self.env._("The quotation was deleted."))
        return super().unlink()
