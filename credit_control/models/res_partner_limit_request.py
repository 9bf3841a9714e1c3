from odoo import models
from odoo.tools.misc import format_date, formatLang

from ..lib import limit_approval


class ResPartner(models.Model):
    """Credit limit requests of a customer: asked from its Credit tab, applied to
    its limits once approved."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _credit_request_snapshot(self):
        """The customer's credit figures in the current company that a limit
        request keeps when submitted."""
        self.ensure_one()
        partner = self.sudo().commercial_partner_id
        return {
            "current_limit": partner.credit_limit,
            "current_exposure": partner.credit_exposure,
            "current_score": partner.credit_score,
            "current_grade_id": partner.credit_grade_id.id,
        }

    def _credit_apply_limit_request(self, request):
        """Give the customer, in the current company, the limit of the approved
        ``request``, logged in its limit history as coming from the request with
        its justification; the message saying so."""
        self.ensure_one()
        partner = self.sudo().with_context(
            credit_limit_source="request",
            credit_limit_reason=request.justification,
        )
        amount = formatLang(self.env, request.amount, currency_obj=request.currency_id)
        if request.kind == limit_approval.PERMANENT:
            partner.write({"credit_limit": request.amount})
            body = self.env._(
                "Credit limit set to %(amount)s by %(request)s.",
                amount=amount,
                request=request.name,
            )
        else:
            partner.write(
                {
                    "credit_limit_temp": request.amount,
                    "credit_limit_temp_end": request.date_end,
                }
            )
            body = self.env._(
                "Temporary limit of %(amount)s until %(date)s set by %(request)s.",
                amount=amount,
                date=format_date(self.env, request.date_end),
                request=request.name,
            )
        partner.message_post(body=body, subtype_xmlid="mail.mt_note")
        return body

    def action_credit_open_limit_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_limit_request_action"
        )
        customer = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", customer.id)]
        action["context"] = {"default_partner_id": customer.id}
        return action

    def action_credit_new_limit_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Limit Request"),
            "res_model": "credit.limit.request",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }
