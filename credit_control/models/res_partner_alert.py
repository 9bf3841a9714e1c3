from odoo import fields, models

ALERT_READERS = "credit_control.group_credit_user,sales_team.group_sale_salesman"


class ResPartner(models.Model):
    """How many credit alerts a customer has, with the way to them from its form."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_alert_count = fields.Integer(
        string="Credit Alerts",
        compute="_compute_credit_alert_count",
        groups=ALERT_READERS,
    )

    def _compute_credit_alert_count(self):
        counts = dict(
            self.env["credit.alert"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_alert_count = counts.get(partner.commercial_partner_id, 0)

    def action_credit_open_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_alert_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
