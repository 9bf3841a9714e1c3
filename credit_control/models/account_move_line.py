from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Open items per customer, read index-only by the exposure query, the ageing
    # and the DSO.
    _credit_exposure_idx = models.Index(
        "(partner_id, company_id) INCLUDE (account_id, currency_id, "
        "amount_residual_currency, date_maturity, amount_residual, date) "
        "WHERE reconciled IS NOT TRUE AND parent_state = 'posted' "
        "AND amount_residual_currency <> 0"
    )
    # Product lines of draft moves per customer, for the draft invoices' part.
    _credit_draft_idx = models.Index(
        "(partner_id, company_id) INCLUDE (move_id, currency_id, price_total) "
        "WHERE parent_state = 'draft' AND display_type = 'product'"
    )
