from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class CreditCollectionCall(models.TransientModel):
    """A phone call with a customer about its overdue invoices: what it said goes
    to its chatter, closing the calls planned on it; a promised date records a
    promise to pay of its overdue invoices."""

    _name = "credit.collection.call"
    _description = "Collection Call"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    note = fields.Text(string="Call Summary", required=True)
    promised_date = fields.Date(
        help="The customer promised to pay its overdue invoices by this day: "
        "records a promise to pay, which pauses their dunning."
    )
    promised_amount = fields.Monetary(
        help="Leave empty for what is left to pay of the overdue invoices."
    )

    @api.model_create_multi
    def create(self, vals_list):
        self.env["credit.collection"]._check_controller()
        return super().create(vals_list)

    def action_confirm(self):
        self.ensure_one()
        Collection = self.env["credit.collection"]
        Collection._check_controller()
        partner = self.partner_id.commercial_partner_id
        partner.check_access("read")
        note = (self.note or "").strip()
        if not note:
            raise UserError(self.env._("Write what the customer said."))
        promise = self.env["credit.promise"]
        if self.promised_date:
            moves = Collection._credit_overdue_moves(partner, self.company_id)
            if not moves:
                raise UserError(
                    self.env._(
                        "%(customer)s has no overdue invoice left to promise.",
                        customer=partner.display_name,
                    )
                )
            values = {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "move_ids": moves.ids,
                "promised_date": self.promised_date,
                "note": note,
            }
            if self.promised_amount:
                values["amount"] = self.promised_amount
            promise = promise.create(values)
        calls = partner.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        body = self.env._("Call: %(note)s", note=note)
        if promise:
            body = self.env._(
                "%(call)s (promised to pay by %(date)s)",
                call=body,
                date=format_date(self.env, self.promised_date),
            )
        if calls:
            calls.sudo().action_feedback(feedback=body)
        else:
            partner._credit_log_contacts({partner.id: body})
        return {"type": "ir.actions.act_window_close"}
