from markupsafe import Markup

from odoo import api, fields, models

CREDIT_USER = "credit_control.group_credit_user"


class ResPartner(models.Model):
    """A customer's promises to pay and payment plans still holding, with the way
    to all of them from its form."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_promise_count = fields.Integer(
        string="Pending Promises",
        compute="_compute_credit_collection_counts",
        groups=CREDIT_USER,
    )
    credit_payment_plan_count = fields.Integer(
        string="Active Payment Plans",
        compute="_compute_credit_collection_counts",
        groups=CREDIT_USER,
    )

    def _compute_credit_collection_counts(self):
        roots = self.commercial_partner_id
        counts = {}
        for model, state in (
            ("credit.promise", "pending"),
            ("credit.payment.plan", "active"),
        ):
            counts[model] = dict(
                self.env[model]._read_group(
                    [("partner_id", "in", roots.ids), ("state", "=", state)],
                    ["partner_id"],
                    ["__count"],
                )
            )
        for partner in self:
            root = partner.commercial_partner_id
            partner.credit_promise_count = counts["credit.promise"].get(root, 0)
            partner.credit_payment_plan_count = counts["credit.payment.plan"].get(
                root, 0
            )

    def action_credit_open_promises(self):
        return self._credit_data_action("credit_control.credit_promise_action")

    def action_credit_open_payment_plans(self):
        return self._credit_data_action("credit_control.credit_payment_plan_action")

    @api.model
    def _credit_log_contacts(self, bodies):
        """Notes by the current user on the customers of ``bodies`` (customer id:
        body), that count as contacts in the collections workspace; logged in one
        batch, without notifying anyone."""
        self.sudo().browse(list(bodies))._message_log_batch(
            {
                partner_id: Markup("<p>%s</p>") % body
                for partner_id, body in bodies.items()
            },
            author_id=self.env.user.partner_id.id,
            message_type="comment",
        )
