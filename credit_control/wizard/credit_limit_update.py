from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

MANAGER_GROUP = "credit_control.group_credit_manager"


class CreditLimitUpdate(models.TransientModel):
    """Set the credit limit and/or the credit policy of many customers at once."""

    _name = "credit.limit.update"
    _description = "Update Credit Limits"

    @api.model
    def _default_partner_ids(self):
        if self.env.context.get("active_model") != "res.partner":
            return []
        partners = self.env["res.partner"].browse(self.env.context.get("active_ids"))
        return partners.commercial_partner_id.ids

    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        default=lambda self: self._default_partner_ids(),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    update_limit = fields.Boolean(string="Change the Credit Limit")
    credit_limit = fields.Monetary(string="New Credit Limit")
    update_policy = fields.Boolean(string="Change the Credit Policy")
    credit_policy_id = fields.Many2one(
        "credit.policy",
        string="New Credit Policy",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty to apply the company's default policy.",
    )
    note = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a Credit Manager can change credit limits or credit policies."
                )
            )
        if not (self.update_limit or self.update_policy):
            raise UserError(
                self.env._(
                    "Choose what to change: the credit limit, the policy or both."
                )
            )
        if not (self.note or "").strip():
            raise UserError(
                self.env._("Write why you change the credit of these customers.")
            )
        partners = self.partner_ids.commercial_partner_id
        partners.check_access("read")
        vals, changes = {}, []
        if self.update_limit:
            vals["credit_limit"] = self.credit_limit
            changes.append(
                self.env._(
                    "Credit limit set to %(limit)s",
                    limit=formatLang(
                        self.env, self.credit_limit, currency_obj=self.currency_id
                    ),
                )
            )
        if self.update_policy:
            vals["credit_policy_id"] = self.credit_policy_id.id
            changes.append(
                self.env._(
                    "Credit policy set to %(policy)s",
                    policy=self.credit_policy_id.display_name
                    or self.env._("the company's default"),
                )
            )
        # A Credit Manager sets credit whether or not he may edit contacts otherwise.
        partners.sudo().with_company(self.company_id).write(vals)
        body = Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
            self.env._("Credit of %(company)s updated:", company=self.company_id.name),
            Markup("").join(Markup("<li>%s</li>") % change for change in changes),
            self.note,
        )
        for partner in partners.sudo():
            partner.message_post(body=body, subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window_close"}
