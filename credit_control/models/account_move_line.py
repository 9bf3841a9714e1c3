from odoo import models

# What the index of the open items per customer holds, so that the exposure query, the
# ageing and the DSO read them index-only; an add-on whose part of the exposure query
# reads more of them makes the index again with ``open_items_index``.
OPEN_ITEMS_INCLUDE = (
    "account_id",
    "currency_id",
    "amount_residual_currency",
    "date_maturity",
    "amount_residual",
    "date",
)


def open_items_index(include=OPEN_ITEMS_INCLUDE):
    return models.Index(
        f"(partner_id, company_id) INCLUDE ({', '.join(include)}) "
        "WHERE reconciled IS NOT TRUE AND parent_state = 'posted' "
        "AND amount_residual_currency <> 0"
    )


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    _credit_exposure_idx = open_items_index()
    # Product lines of draft moves per customer, for the draft invoices' part.
    _credit_draft_idx = models.Index(
        "(partner_id, company_id) INCLUDE (move_id, currency_id, price_total) "
        "WHERE parent_state = 'draft' AND display_type = 'product'"
    )
