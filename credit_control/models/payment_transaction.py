from odoo import models

from .sale_order import PAYMENT_FLOW


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Confirm the quotations paid online as the payment flow: one paid in full by
        completed payments skips the credit check, its credit is not at risk."""
        return super(
            PaymentTransaction, self.with_context(credit_payment=PAYMENT_FLOW)
        )._check_amount_and_confirm_order()
