from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    # Draft customer invoices per customer, for the exposure query.
    _credit_draft_idx = models.Index(
        "(commercial_partner_id, company_id) "
        "WHERE state = 'draft' AND move_type IN ('out_invoice', 'out_refund')"
    )
