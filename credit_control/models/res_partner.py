from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..lib import credit_rules

MANAGER_FIELDS = {
    "credit_limit",
    "use_partner_credit_limit",
    "credit_limit_temp",
    "credit_limit_temp_end",
    "credit_policy_id",
}
CONTROLLER_FIELDS = {"credit_hold", "credit_hold_reason"}


def _credit_figure(string):
    """A figure of the customer's credit, in the current company's currency."""
    return fields.Monetary(
        string=string,
        currency_field="credit_currency_id",
        compute="_compute_credit_figures",
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_limit_temp = fields.Float(
        string="Temporary Limit",
        company_dependent=True,
        copy=False,
        help="Extra credit on top of the limit until the end date.",
    )
    credit_limit_temp_end = fields.Date(
        string="Temporary Limit Until", company_dependent=True, copy=False
    )
    credit_hold = fields.Boolean(
        company_dependent=True,
        copy=False,
        help="Hold every new order of this customer until a credit manager "
        "releases it.",
    )
    credit_hold_reason = fields.Char(
        string="Hold Reason", company_dependent=True, copy=False
    )
    credit_policy_id = fields.Many2one(
        "credit.policy",
        string="Credit Policy",
        company_dependent=True,
        help="Leave empty to apply the company's default policy.",
    )
    credit_effective_policy_id = fields.Many2one(
        "credit.policy", string="Applied Policy", compute="_compute_credit_figures"
    )
    credit_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit_figures"
    )
    credit_effective_limit = _credit_figure("Effective Limit")
    credit_receivable = _credit_figure("Open Receivable")
    credit_overdue = _credit_figure("Overdue")
    credit_overdue_days = fields.Integer(
        string="Days Overdue", compute="_compute_credit_figures"
    )
    credit_draft_invoices = _credit_figure("Draft Invoices")
    credit_orders_to_invoice = _credit_figure("Orders Not Invoiced")
    credit_exposure = _credit_figure("Credit Exposure")
    credit_available = _credit_figure("Available Credit")
    credit_utilisation = fields.Float(
        string="Credit Utilisation (%)", compute="_compute_credit_figures"
    )
    credit_is_manager = fields.Boolean(compute="_compute_credit_rights")
    credit_is_controller = fields.Boolean(compute="_compute_credit_rights")
    credit_hold_ids = fields.One2many(
        "credit.hold", "partner_id", string="Credit Holds"
    )
    credit_hold_count = fields.Integer(compute="_compute_credit_hold_count")

    def _credit_effective_limits(self):
        """Limit in force today per partner id, for the current company."""
        today = fields.Date.context_today(self)
        return {
            partner.id: credit_rules.effective_limit(
                partner.credit_limit,
                partner.credit_limit_temp,
                partner.credit_limit_temp_end,
                today,
            )
            for partner in self.sudo()
        }

    def _credit_policy(self):
        self.ensure_one()
        return self.sudo().credit_policy_id or self.env.company.sudo().credit_policy_id

    @api.depends_context("company")
    def _compute_credit_figures(self):
        company = self.env.company
        commercial = self.commercial_partner_id._origin
        exposures = (
            self.env["credit.exposure"]
            .sudo()
            ._compute_exposures(company, commercial.ids)
        )
        limits = commercial._credit_effective_limits()
        empty = credit_rules.Exposure()
        today = fields.Date.context_today(self)
        for partner in self:
            root = partner.commercial_partner_id._origin
            figures = exposures.get(root.id, empty)
            limit = limits.get(root.id, 0.0)
            partner.credit_currency_id = company.currency_id
            partner.credit_effective_policy_id = (
                root._credit_policy() if root else company.sudo().credit_policy_id
            )
            partner.credit_effective_limit = limit
            partner.credit_receivable = figures.receivable
            partner.credit_overdue = figures.overdue
            partner.credit_overdue_days = figures.overdue_days(today)
            partner.credit_draft_invoices = figures.draft_invoices
            partner.credit_orders_to_invoice = figures.orders_to_invoice
            partner.credit_exposure = figures.total
            partner.credit_available = credit_rules.available(limit, figures.total)
            partner.credit_utilisation = credit_rules.utilisation_pct(
                limit, figures.total
            )

    @api.depends_context("uid")
    def _compute_credit_rights(self):
        user = self.env.user
        self.credit_is_manager = user.has_group("credit_control.group_credit_manager")
        self.credit_is_controller = user.has_group(
            "credit_control.group_credit_controller"
        )

    def _compute_credit_hold_count(self):
        counts = dict(
            self.env["credit.hold"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_hold_count = counts.get(partner.commercial_partner_id, 0)

    @api.constrains("credit_limit", "credit_limit_temp")
    def _check_credit_limits(self):
        for partner in self.sudo():
            if partner.credit_limit < 0 or partner.credit_limit_temp < 0:
                raise ValidationError(self.env._("A credit limit cannot be negative."))

    @api.constrains("credit_limit_temp", "credit_limit_temp_end")
    def _check_credit_limit_temp_end(self):
        today = fields.Date.context_today(self)
        for partner in self.sudo():
            if partner.credit_limit_temp and not partner.credit_limit_temp_end:
                raise ValidationError(
                    self.env._("A temporary limit needs an end date.")
                )
            if partner.credit_limit_temp and partner.credit_limit_temp_end < today:
                raise ValidationError(
                    self.env._("The temporary limit cannot end in the past.")
                )

    def _check_credit_write_rights(self, vals):
        if self.env.su:
            return
        if MANAGER_FIELDS.intersection(vals) and not self.env.user.has_group(
            "credit_control.group_credit_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Credit Manager can change credit limits or credit policies."
                )
            )
        if CONTROLLER_FIELDS.intersection(vals) and not self.env.user.has_group(
            "credit_control.group_credit_controller"
        ):
            raise AccessError(
                self.env._(
                    "Only a Credit Controller can put a customer on credit hold."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_credit_write_rights(
                {key: value for key, value in vals.items() if value}
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_credit_write_rights(vals)
        return super().write(vals)

    def _credit_open(self, model, domain, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": domain,
            "context": {"create": False},
        }

    def action_credit_open_receivable(self):
        self.ensure_one()
        return self._credit_open(
            "account.move.line",
            [
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ],
            self.env._("Open Receivable"),
        )

    def action_credit_open_overdue(self):
        action = self.action_credit_open_receivable()
        action["domain"] += [
            ("date_maturity", "<", fields.Date.context_today(self)),
            ("amount_residual", ">", 0),
        ]
        action["name"] = self.env._("Overdue")
        return action

    def action_credit_open_draft_invoices(self):
        self.ensure_one()
        return self._credit_open(
            "account.move",
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            self.env._("Draft Invoices"),
        )

    def action_credit_open_orders(self):
        self.ensure_one()
        return self._credit_open(
            "sale.order",
            [
                (
                    "partner_invoice_id.commercial_partner_id",
                    "=",
                    self.commercial_partner_id.id,
                ),
                ("company_id", "=", self.env.company.id),
                ("state", "=", "sale"),
                ("invoice_status", "!=", "invoiced"),
            ],
            self.env._("Orders Not Invoiced"),
        )

    def action_credit_open_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_hold_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
