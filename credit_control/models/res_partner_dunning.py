from odoo import api, fields, models

from .res_partner import CREDIT_READERS

DUNNING_CONTROLLER_FIELDS = {
    "credit_collector_id",
    "credit_dunning_blocked_until",
    "credit_escalation",
}


class ResPartner(models.Model):
    """Who chases the customer's overdue invoices in a company, and how far."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        groups=CREDIT_READERS,
        domain="[('share', '=', False)]",
        help="Makes the phone calls of the dunning; without one, the salesperson "
        "does, else the credit managers.",
    )
    credit_dunning_blocked_until = fields.Date(
        string="No Dunning Until",
        company_dependent=True,
        copy=False,
        groups=CREDIT_READERS,
        help="The customer's invoices are not chased until this day included.",
    )
    credit_escalation = fields.Selection(
        [("none", "None"), ("legal", "Legal"), ("agency", "Collection agency")],
        string="Escalation",
        company_dependent=True,
        copy=False,
        groups=CREDIT_READERS,
        help="Set by the dunning run when the customer reaches an escalation level.",
    )

    @api.model
    def _credit_controller_fields(self):
        return super()._credit_controller_fields() | DUNNING_CONTROLLER_FIELDS

    def _credit_dunning_collector(self):
        """Who calls the customer: its collector, else its salesperson, else the
        credit managers of the current company."""
        self.ensure_one()
        partner = self.sudo()
        user = partner.credit_collector_id or partner.user_id
        if user and user.active and not user.share:
            return user
        return self.env.company._credit_managers()[:1] or self.env.user
