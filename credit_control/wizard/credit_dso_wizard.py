from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

# The period proposed: the last 90 days, today included.
DEFAULT_PERIOD_DAYS = 90


class CreditDsoWizard(models.TransientModel):
    """Compute the days sales outstanding over a period, and open them."""

    _name = "credit.dso.wizard"
    _description = "Days Sales Outstanding over a Period"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date_from = fields.Date(
        string="Period Start",
        required=True,
        default=lambda self: fields.Date.subtract(
            fields.Date.context_today(self), days=DEFAULT_PERIOD_DAYS - 1
        ),
    )
    date_to = fields.Date(
        string="Period End",
        required=True,
        default=fields.Date.context_today,
        help="The receivable is read as it stood at the end of this day.",
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_to < wizard.date_from:
                raise ValidationError(
                    self.env._("The end of the period cannot be before its start.")
                )

    def action_open(self):
        self.ensure_one()
        self.env["credit.ageing"]._credit_check_run(self.company_id)
        self.env["credit.dso"]._refresh(self.company_id, self.date_from, self.date_to)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_dso_action"
        )
        action.update(
            name=self.env._(
                "DSO from %(start)s to %(end)s",
                start=format_date(self.env, self.date_from),
                end=format_date(self.env, self.date_to),
            ),
            domain=[("company_id", "=", self.company_id.id)],
        )
        return action
