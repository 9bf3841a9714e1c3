from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.credit_control.lib import credit_rules
from odoo.addons.credit_insurance.lib import coverage

MANAGER_GROUP = "credit_control.group_credit_manager"
RELEASE_FIELDS = {
    f"credit_insurance_release_{name}" for name in ("user_id", "date", "note")
}
# The insurer's rules that judge a shipment: the buyer's cover and its stop date.
DELIVERY_RULES = (
    credit_rules.Rule(coverage.NO_COVER, coverage.no_cover),
    credit_rules.Rule(coverage.STOP_DELIVERY, coverage.stop_delivery_passed),
)
# Context value with which the release writes its fields; remote calls cannot forge it.
RELEASE = object()


class StockPicking(models.Model):
    _inherit = "stock.picking"

    credit_insurance_release_user_id = fields.Many2one(
        "res.users", string="Released By", readonly=True, copy=False
    )
    credit_insurance_release_date = fields.Datetime(
        string="Released On", readonly=True, copy=False
    )
    credit_insurance_release_note = fields.Char(
        string="Release Note", readonly=True, copy=False
    )
    credit_insurance_blocked = fields.Boolean(
        string="Blocked by Credit Insurance",
        compute="_compute_credit_insurance_blocked",
    )
    credit_insurance_block_message = fields.Text(
        compute="_compute_credit_insurance_blocked"
    )

    # The insurer's judgement of a delivery

    def _credit_insurance_applies(self):
        """Whether the insurer judges the picking: a delivery to a customer."""
        self.ensure_one()
        return (
            self.picking_type_code == "outgoing"
            and self.location_dest_id.usage == "customer"
            and self.company_id.credit_check_active
        )

    def _credit_insurance_buyer(self):
        """The insured buyer: the customer whose credit the order uses, or the
        commercial partner of the delivery address without an order."""
        self.ensure_one()
        if self.sale_id:
            return self.sale_id.sudo()._credit_partner()
        return self.partner_id.commercial_partner_id._origin

    def _credit_insurance_reasons(self):
        """The insurer's reasons against delivering now: ``[(code, values)]``."""
        self.ensure_one()
        return self._credit_insurance_reasons_per_picking().get(self, [])

    def _credit_insurance_reasons_per_picking(self):
        """The reasons per picking judged, one exposure query per company."""
        buyers = defaultdict(dict)
        for picking in self:
            if picking._credit_insurance_applies():
                buyer = picking._credit_insurance_buyer()
                if buyer.id:
                    buyers[picking.company_id][picking] = buyer
        Exposure = self.env["credit.exposure"].sudo()
        today = fields.Date.context_today(self)
        found = {}
        for company, per_picking in buyers.items():
            ids = list({buyer.id for buyer in per_picking.values()})
            exposures = Exposure._compute_exposures(company, ids)
            compare = company.currency_id.compare_amounts
            for picking, buyer in per_picking.items():
                exposure = exposures.get(buyer.id, credit_rules.Exposure())
                check = credit_rules.Check(exposure, 0.0, 0.0, today, {}, compare, {})
                found_reasons = credit_rules.evaluate(DELIVERY_RULES, check)
                reasons = [(reason.code, reason.values) for reason in found_reasons]
                if reasons:
                    found[picking] = reasons
        return found

    def _credit_insurance_messages(self, reasons):
        """The sentences explaining ``reasons``, in the reader's language."""
        self.ensure_one()
        Reason = self.env["credit.hold.reason"]
        currency = self.company_id.currency_id
        return [Reason._message(code, values, currency) for code, values in reasons]

    def _credit_insurance_blocking(self):
        """The pickings whose validation the insurer blocks, with their reasons."""
        pending = self.filtered(
            lambda p: p.state not in ("done", "cancel")
            and not p.credit_insurance_release_user_id
        )
        return pending._credit_insurance_reasons_per_picking()

    @api.depends(
        "state",
        "partner_id",
        "sale_id",
        "company_id",
        "picking_type_id",
        "location_dest_id",
        "credit_insurance_release_user_id",
    )
    @api.depends_context("lang")
    def _compute_credit_insurance_blocked(self):
        blocking = self._credit_insurance_blocking()
        title = self.env._("The credit insurance blocks this delivery:")
        for picking in self:
            reasons = blocking.get(picking)
            picking.credit_insurance_blocked = bool(reasons)
            picking.credit_insurance_block_message = bool(reasons) and "\n".join(
                [
                    picking._credit_insurance_text(title, reasons),
                    self._credit_insurance_release_hint(),
                ]
            )

    def _credit_insurance_text(self, title, reasons):
        messages = self._credit_insurance_messages(reasons)
        return "\n".join([title, *(f"- {message}" for message in messages)])

    def _credit_insurance_release_hint(self):
        return self.env._("A Credit Manager can release the delivery.")

    def button_validate(self):
        if blocking := self._credit_insurance_blocking():
            texts = []
            for picking, reasons in blocking.items():
                title = self.env._(
                    "The credit insurance blocks the delivery %(picking)s:",
                    picking=picking.name,
                )
                texts.append(picking._credit_insurance_text(title, reasons))
            texts.append(self._credit_insurance_release_hint())
            raise UserError("\n".join(texts))
        return super().button_validate()

    # Release by a Credit Manager

    def action_credit_insurance_release(self, note):
        """Let the deliveries go despite the insurer's reasons, with the note why."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Credit Manager releases deliveries."))
        if not isinstance(note, str) or not note.strip():
            raise UserError(self.env._("Say why the delivery is released."))
        if any(p.state in ("done", "cancel") for p in self):
            raise UserError(self.env._("Only a pending delivery can be released."))
        note = note.strip()
        blocking = self._credit_insurance_blocking()
        self.sudo().with_context(credit_insurance_release=RELEASE).write(
            {
                "credit_insurance_release_user_id": self.env.uid,
                "credit_insurance_release_date": fields.Datetime.now(),
                "credit_insurance_release_note": note,
            }
        )
        title = self.env._(
            "Delivery released despite the credit insurance: %(note)s", note=note
        )
        for picking in self:
            messages = picking._credit_insurance_messages(blocking.get(picking, []))
            items = Markup("").join(Markup("<li>%s</li>") % m for m in messages)
            picking.sudo().message_post(
                body=Markup("<p>%s</p><ul>%s</ul>") % (title, items)
            )
        return True

    # Guards: only the release sets the release fields

    def _credit_insurance_check_release_fields(self, names):
        if RELEASE_FIELDS.intersection(names) and (
            self.env.context.get("credit_insurance_release") is not RELEASE
        ):
            raise AccessError(
                self.env._("A delivery is released with its Release button only.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        defaults = {k[8:] for k in self.env.context if k.startswith("default_")}
        for vals in vals_list:
            self._credit_insurance_check_release_fields(defaults.union(vals))
        return super().create(vals_list)

    def write(self, vals):
        self._credit_insurance_check_release_fields(vals)
        return super().write(vals)
