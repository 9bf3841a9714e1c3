from odoo import fields, models

CREDIT_USER = "credit_control.group_credit_user"


class ResPartner(models.Model):
    """How many financial statements and external ratings a customer has, with
    the way to them from its form."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_statement_count = fields.Integer(
        string="Financial Statements",
        compute="_compute_credit_data_counts",
        groups=CREDIT_USER,
    )
    credit_rating_count = fields.Integer(
        string="External Ratings",
        compute="_compute_credit_data_counts",
        groups=CREDIT_USER,
    )

    def _compute_credit_data_counts(self):
        roots = self.commercial_partner_id
        counts = {}
        for model in ("credit.financial.statement", "credit.external.rating"):
            counts[model] = dict(
                self.env[model]._read_group(
                    [("partner_id", "in", roots.ids)], ["partner_id"], ["__count"]
                )
            )
        for partner in self:
            root = partner.commercial_partner_id
            partner.credit_statement_count = counts["credit.financial.statement"].get(
                root, 0
            )
            partner.credit_rating_count = counts["credit.external.rating"].get(root, 0)

    def action_credit_open_statements(self):
        return self._credit_data_action(
            "credit_control.credit_financial_statement_action"
        )

    def action_credit_open_ratings(self):
        return self._credit_data_action("credit_control.credit_external_rating_action")

    def _credit_data_action(self, xmlid):
        self.ensure_one()
        root = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("partner_id", "=", root.id)]
        action["context"] = {"default_partner_id": root.id}
        return action
