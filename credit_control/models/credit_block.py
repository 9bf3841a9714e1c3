from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

CONTROLLER_GROUP = "credit_control.group_credit_controller"


class CreditBlock(models.Model):
    """A stop on a customer's new orders in a company, for one origin.

    Each origin (a person, dunning, the insurer, the score) places and lifts its own
    block; lifting one never lifts another.  The check reads the active blocks in
    its single exposure query.
    """

    _name = "credit.block"
    _description = "Credit Block"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    origin = fields.Selection(
        [
            ("manual", "Manual"),
            ("dunning", "Dunning"),
            ("insurer", "Credit Insurer"),
            ("score", "Credit Score"),
        ],
        required=True,
        default="manual",
    )
    note = fields.Text(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    lift_note = fields.Text(readonly=True)
    lifted_by_id = fields.Many2one("res.users", readonly=True)
    lifted_on = fields.Datetime(readonly=True)

    _one_active_per_origin = models.UniqueIndex(
        "(partner_id, company_id, origin) WHERE active"
    )

    def _check_block_rights(self):
        if not self.env.su and not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can block or unblock a customer.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_block_rights()
        for vals in vals_list:
            if vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                vals["partner_id"] = partner.commercial_partner_id.id
        return super().create(vals_list)

    def write(self, vals):
        self._check_block_rights()
        if {"partner_id", "company_id", "origin"}.intersection(vals):
            raise UserError(
                self.env._("Lift the block and place a new one to change its customer.")
            )
        return super().write(vals)

    @api.model
    def _place(self, partner, company, origin, note):
        """Block ``partner`` for ``origin``, or update the note of its block."""
        block = self.with_context(active_test=True).search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("origin", "=", origin),
            ],
            limit=1,
        )
        if block:
            block.note = note
            return block
        return self.create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "origin": origin,
                "note": note,
            }
        )

    def action_lift(self, note):
        """Lift these blocks with ``note``; other origins keep theirs."""
        self._check_block_rights()
        if not isinstance(note, str) or not note.strip():
            raise UserError(self.env._("Write why you lift the block."))
        self.write(
            {
                "active": False,
                "lift_note": note,
                "lifted_by_id": self.env.uid,
                "lifted_on": fields.Datetime.now(),
            }
        )
        return True
