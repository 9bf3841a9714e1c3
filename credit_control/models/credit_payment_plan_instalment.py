from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

CONTROLLER_GROUP = "credit_control.group_credit_controller"


class CreditPaymentPlanInstalment(models.Model):
    """An amount a payment plan asks on a date, part of it interest.  The payments
    matched to the plan's invoices pay the instalments oldest first."""

    _name = "credit.payment.plan.instalment"
    _description = "Payment Plan Instalment"
    _order = "plan_id, date, id"

    plan_id = fields.Many2one(
        "credit.payment.plan",
        string="Payment Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    interest = fields.Monetary(
        string="Of Which Interest", help="The part of the amount that is interest."
    )
    paid_amount = fields.Monetary(string="Paid", compute="_compute_paid")
    state = fields.Selection(
        [("to_pay", "To Pay"), ("paid", "Paid"), ("missed", "Missed")],
        compute="_compute_paid",
    )

    @api.depends_context("date")
    def _compute_paid(self):
        today = fields.Date.context_today(self)
        paid = {}
        for plan in self.plan_id:
            currency = plan.currency_id
            unused = plan.paid_amount
            lines = plan.instalment_ids.filtered("date")
            for line in lines.sorted(lambda line: (line.date, line.id)):
                covered = currency.round(min(unused, line.amount))
                unused -= covered
                if currency.compare_amounts(covered, line.amount) >= 0:
                    state = "paid"
                elif (
                    plan.state in ("active", "broken")
                    and (today - line.date).days > plan.grace_days
                ):
                    state = "missed"
                else:
                    state = "to_pay"
                paid[line] = (covered, state)
        for line in self:
            line.paid_amount, line.state = paid.get(line, (0.0, "to_pay"))

    @api.constrains("amount", "interest")
    def _check_amounts(self):
        for line in self:
            currency = line.currency_id
            if currency.compare_amounts(line.amount, 0) <= 0:
                raise ValidationError(
                    self.env._("The amount of an instalment must be above 0.")
                )
            if currency.compare_amounts(line.interest, 0) < 0 or (
                currency.compare_amounts(line.interest, line.amount) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The interest of an instalment is between 0 and its amount."
                    )
                )

    # Rights: Credit Controllers change the instalments of draft plans

    def _check_plan_draft(self, plans):
        if self.env.su:
            return
        plans.check_access("write")
        plans._credit_check_rights()
        if any(plan.state != "draft" for plan in plans):
            raise UserError(
                self.env._("The instalments of a plan change only while it is a draft.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        plan_ids = {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        self._check_plan_draft(self.env["credit.payment.plan"].browse(plan_ids))
        return super().create(vals_list)

    def write(self, vals):
        plans = self.plan_id
        if vals.get("plan_id"):
            plans |= plans.browse(vals["plan_id"])
        self._check_plan_draft(plans)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_in_draft_plans(self):
        self._check_plan_draft(self.plan_id)
