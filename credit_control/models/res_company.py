from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    credit_policy_id = fields.Many2one(
        "credit.policy",
        string="Default Credit Policy",
        domain="[('company_id', '=', id)]",
        help="Applies to every customer without a policy of its own. "
        "Without any policy, orders are not checked.",
    )

    def _credit_managers(self):
        """Active internal users of this company in the Credit Manager group."""
        self.ensure_one()
        group = self.env.ref("credit_control.group_credit_manager")
        return group.sudo().all_user_ids.filtered(
            lambda u: u.active
            and not u.share
            and self in u.company_ids
            and not u._is_superuser()
        )

    def _credit_schedule_review(self, record, note):
        """Give each credit manager of the company a review activity on ``record``."""
        self.ensure_one()
        managers = self._credit_managers() or self.env.user
        record = record.sudo()
        record.message_subscribe(partner_ids=managers.partner_id.ids)
        for manager in managers:
            record.activity_schedule(
                "credit_control.mail_activity_credit_review",
                note=note,
                user_id=manager.id,
            )
