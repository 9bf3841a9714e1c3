from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..lib import dunning

OPEN_INVOICES = (
    "[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
    "('amount_residual', '>', 0), ('commercial_partner_id', '=', partner_id)]"
)


class CreditPromise(models.Model):
    """A customer's promise to pay an amount of some of its invoices by a date.
    Until then the invoices are not dunned; kept once the payments matched to them
    since the promise reach the amount, broken when they do not by the date (plus
    the grace days), which resumes their dunning and alerts the collector."""

    _name = "credit.promise"
    _description = "Promise to Pay"
    _inherit = ["credit.collection.mixin"]
    _order = "promised_date desc, id desc"

    _credit_since = "date"
    _credit_open_state = dunning.PENDING
    _credit_edit_state = dunning.PENDING
    _credit_frozen_fields = frozenset(
        {"company_id", "partner_id", "move_ids", "amount", "promised_date", "date"}
    )
    _credit_lib_states = {
        dunning.PENDING: dunning.PENDING,
        dunning.KEPT: dunning.KEPT,
        dunning.BROKEN: dunning.BROKEN,
    }

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        check_company=True,
        domain=OPEN_INVOICES,
    )
    amount = fields.Monetary(
        string="Promised Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="In the company currency; by default what is left to pay of the invoices.",
    )
    promised_date = fields.Date(
        required=True, tracking=True, help="The day the customer promised to pay by."
    )
    date = fields.Date(
        string="Recorded On",
        required=True,
        readonly=True,
        copy=False,
        default=fields.Date.context_today,
        help="Payments matched to the invoices from this day on count.",
    )
    state = fields.Selection(
        [
            (dunning.PENDING, "Pending"),
            (dunning.KEPT, "Kept"),
            (dunning.BROKEN, "Broken"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default=dunning.PENDING,
        readonly=True,
        copy=False,
        tracking=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        self.env["res.partner"]._credit_log_contacts(
            {
                promise.partner_id.id: Markup("%s %s")
                % (self.env._("Promise to pay recorded:"), promise._get_html_link())
                for promise in promises
            }
        )
        return promises

    @api.depends("partner_id", "amount", "promised_date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(customer)s: %(amount)s by %(date)s",
                customer=promise.partner_id.display_name or "",
                amount=format_amount(self.env, promise.amount, promise.currency_id),
                date=format_date(self.env, promise.promised_date),
            )

    @api.depends("move_ids")
    def _compute_amount(self):
        for promise in self:
            promise.amount = promise._credit_residual()

    @api.constrains("promised_date")
    def _check_promised_date(self):
        today = fields.Date.context_today(self)
        for promise in self:
            if promise.state == dunning.PENDING and promise.promised_date < today:
                raise ValidationError(
                    self.env._(
                        "The promised date %(date)s is in the past: a promise is "
                        "to pay today or later.",
                        date=format_date(self.env, promise.promised_date),
                    )
                )

    @api.constrains("amount", "move_ids")
    def _check_promised_amount(self):
        for promise in self.filtered(lambda p: p.state == dunning.PENDING):
            currency = promise.currency_id
            residual = promise._credit_residual()
            if currency.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(
                    self.env._("The promised amount must be above 0.")
                )
            if currency.compare_amounts(promise.amount, residual) > 0:
                raise ValidationError(
                    self.env._(
                        "The promised amount %(amount)s is more than the %(left)s "
                        "left to pay of the invoices.",
                        amount=format_amount(self.env, promise.amount, currency),
                        left=format_amount(self.env, residual, currency),
                    )
                )
        self.filtered(lambda p: p.state == dunning.PENDING)._credit_check_moves_free(
            dunning.PENDING
        )

    # The daily evaluation

    def _credit_sql_columns(self):
        return SQL("record.promised_date, record.amount, record.grace_days")

    def _credit_status(self, row, today, round_amount):
        return dunning.promise_state(
            row["promised_date"],
            float(row["amount"]),
            float(row["paid"]),
            today,
            row["grace_days"],
            round_amount,
        )

    def _credit_broken_note(self, env, today):
        record = self.with_env(env)
        return env._(
            "Promise to pay broken: %(amount)s promised by %(date)s, %(paid)s paid. "
            "The dunning of %(invoices)s resumes.",
            amount=format_amount(env, record.amount, record.currency_id),
            date=format_date(env, record.promised_date),
            paid=format_amount(env, record.paid_amount, record.currency_id),
            invoices=", ".join(record.move_ids.mapped("display_name")),
        )

    # Buttons

    def action_cancel(self):
        """The promise no longer holds: the dunning of its invoices resumes."""
        self._credit_check_rights()
        self.check_access("write")
        if any(promise.state != dunning.PENDING for promise in self):
            raise UserError(self.env._("Only a pending promise can be cancelled."))
        self._credit_set_state("cancelled")
        return True
