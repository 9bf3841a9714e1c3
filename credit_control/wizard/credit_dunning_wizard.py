from odoo import Command, api, fields, models


class CreditDunningWizard(models.TransientModel):
    """Preview the communications of today's dunning run, then run it."""

    _name = "credit.dunning.wizard"
    _description = "Run Dunning"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    preview_ids = fields.One2many(
        "credit.dunning.wizard.line", "wizard_id", string="Communications"
    )

    @api.model
    def default_get(self, fields_list):
        self.env["credit.dunning.run"]._check_controller()
        values = super().default_get(fields_list)
        if "preview_ids" in fields_list:
            company = self.env["res.company"].browse(
                values.get("company_id") or self.env.company.id
            )
            today = values.get("date") or fields.Date.context_today(self)
            values["preview_ids"] = [
                Command.create(values) for values in self._preview(company, today)
            ]
        return values

    @api.model
    def _preview(self, company, today):
        """What the run would send today, as values of preview lines."""
        planned, _held = self.env["credit.dunning.run"]._plan(company, today)
        return [
            {
                "partner_id": plan.communication.partner,
                "currency_id": plan.communication.currency,
                "level_id": plan.communication.level.key,
                "invoice_count": len(plan.communication.lines),
                "total": plan.communication.total,
                "fee": plan.communication.fee,
                "interest": plan.communication.interest,
            }
            for plan in planned
        ]

    def action_run(self):
        """Run the dunning now and show its run."""
        self.ensure_one()
        Run = self.env["credit.dunning.run"]
        Run._check_controller()
        run = Run._run(self.company_id, fields.Date.context_today(self))
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.dunning.run",
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
