from odoo import fields, models
from odoo.tools.misc import format_date


class CreditAgeingWizard(models.TransientModel):
    """Age the company's receivables as they stood at a date, and open the report."""

    _name = "credit.ageing.wizard"
    _description = "Receivable Ageing at a Date"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    as_of = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The receivables as they stood at the end of this day.",
    )

    def action_open(self):
        self.ensure_one()
        self.env["credit.ageing"]._credit_check_run(self.company_id)
        self.env["credit.ageing"]._refresh(self.company_id, self.as_of)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_ageing_action"
        )
        action.update(
            name=self.env._(
                "Ageing at %(date)s", date=format_date(self.env, self.as_of)
            ),
            domain=[("company_id", "=", self.company_id.id)],
            view_mode="pivot,list,graph",
            views=[(False, "pivot"), (False, "list"), (False, "graph")],
        )
        return action
