from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import credit_rules
from ..tools import user_today
from .res_partner import CREDIT_READERS

CREDIT_STATES = [
    ("approved", "Approved"),
    ("warning", "Approved with Warning"),
    ("hold", "On Credit Hold"),
    ("released", "Released"),
    ("rejected", "Rejected"),
    ("exceeded", "Credit Exceeded After Confirmation"),
]
MANAGER_GROUP = "credit_control.group_credit_manager"

# Context value with which the credit check and the credit decisions confirm orders
# and set their credit status.  Remote calls carry JSON only: they cannot forge it.
CREDIT_ENGINE = object()
# Context value with which an online payment confirms the quotation it paid.
PAYMENT_FLOW = object()


def credit_engine(records):
    """``records`` in the context of the credit check and decisions."""
    return records.with_context(credit_engine=CREDIT_ENGINE)


def is_credit_engine(env):
    return env.context.get("credit_engine") is CREDIT_ENGINE


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_state = fields.Selection(
        CREDIT_STATES, string="Credit Status", readonly=True, copy=False, tracking=True
    )
    credit_hold_ids = fields.One2many("credit.hold", "order_id", string="Credit Holds")
    credit_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Credit Currency"
    )
    credit_check_applies = fields.Boolean(
        compute="_compute_credit_preview", groups=CREDIT_READERS
    )
    credit_available = fields.Monetary(
        string="Available Credit",
        compute="_compute_credit_preview",
        currency_field="credit_currency_id",
        groups=CREDIT_READERS,
    )
    credit_preview = fields.Text(
        string="Credit Warnings",
        compute="_compute_credit_preview",
        groups=CREDIT_READERS,
    )
    credit_preview_blocking = fields.Boolean(
        compute="_compute_credit_preview", groups=CREDIT_READERS
    )

    # Extension points

    def _credit_member(self):
        """The address whose commercial partner's credit the order uses: the invoice
        address, or the ordering customer if the company's default policy says so."""
        self.ensure_one()
        return self[self.company_id._credit_order_partner_field()]

    def _credit_partner(self):
        """The customer whose credit the order uses, in the order's company."""
        self.ensure_one()
        partner = self._credit_member().commercial_partner_id._origin
        return partner.with_company(self.company_id)

    def _credit_policy_applies(self):
        """Whether a credit policy applies to the order's customer."""
        self.ensure_one()
        company = self.company_id.sudo()
        return company.credit_check_active and bool(
            company.credit_policy_id or self._credit_partner()._credit_policy()
        )

    def _credit_must_check(self):
        """Whether confirming the order has to pass the credit check."""
        self.ensure_one()
        return (
            self.state in ("draft", "sent")
            and self._credit_policy_applies()
            and not self._credit_paid_online()
        )

    def _credit_paid_online(self):
        """Whether the order is confirmed by the online payment that covers it whole.

        Only the payment's own confirmation qualifies, and only completed payments
        count: a zero-total order, or a salesperson confirming, is checked.
        """
        self.ensure_one()
        if self.env.context.get("credit_payment") is not PAYMENT_FLOW:
            return False
        if self.currency_id.is_zero(self.amount_total):
            return False
        paid = sum(
            tx.amount
            for tx in self.sudo().transaction_ids
            if tx.state == "done" and tx.currency_id == self.currency_id
        )
        return self.currency_id.compare_amounts(paid, self.amount_total) >= 0

    def _credit_order_amount(self):
        """The order's total in company currency, at today's rate."""
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            user_today(self),
        )

    def _credit_to_lock(self):
        """The (address, company) pairs whose customers' credit the orders' checks
        spend; the lock stands for the address's commercial partner."""
        return {
            (order._credit_member().id, order.company_id.root_id.id) for order in self
        }

    def _credit_lock(self):
        """Take every lock the checks of these orders need, up front, in one order."""
        if self:
            self.env["credit.check.lock"].sudo()._acquire(self._credit_to_lock())

    def _credit_order_facts(self):
        """What the rules may know of the order besides its amount (``Check.order``),
        amounts in company currency; add-ons add theirs with ``super()``.  Not asked
        when the check judges the customer alone (an order that grew is already in
        its exposure)."""
        self.ensure_one()
        return {}

    def _credit_run(self, order_amount=None):
        """Check this order against its customer's policy: ``(check, reasons)``."""
        self.ensure_one()
        company = self.company_id
        Exposure = self.env["credit.exposure"].sudo()
        exposures = Exposure._compute_exposures(company, self._credit_member().ids)
        partner_id = self._credit_member().id
        if partner_id not in exposures:
            # An address stands for its commercial partner: the only customer read,
            # or, among the other members of its group, the one it belongs to.
            partner_id = (
                self._credit_partner().id
                if len(exposures) > 1
                else next(iter(exposures), False)
            )
        exposures.setdefault(partner_id, credit_rules.Exposure())
        today = user_today(self)
        policy, exposure, limit = Exposure._credit_judge(company, exposures, today)[
            partner_id
        ]
        snapshot = policy._credit_snapshot()
        amount = self._credit_order_amount() if order_amount is None else order_amount
        check = credit_rules.Check(
            exposure,
            limit,
            amount,
            today,
            snapshot.settings,
            company.currency_id.compare_amounts,
            self._credit_order_facts() if order_amount is None else {},
        )
        reasons = credit_rules.evaluate(
            policy._credit_rules(), check, snapshot.disabled
        )
        return check, reasons

    def _credit_evaluate(self, order_amount=None):
        """The reasons the check finds against this order, and the figures a hold
        keeps of it: ``(reasons, figures)``."""
        check, reasons = self._credit_run(order_amount)
        return reasons, self._credit_figures(check)

    def _credit_figures(self, check):
        """The figures a hold keeps of its check."""
        exposure, limit = check.exposure, check.limit
        return {
            "credit_limit": limit,
            "exposure": exposure.total,
            "order_amount": check.order_amount,
            "overdue": exposure.overdue,
            "overdue_days": exposure.overdue_days(check.today),
            "available": credit_rules.available(limit, exposure.total),
        }

    # Confirmation

    def action_confirm(self):
        if is_credit_engine(self.env):
            return super().action_confirm()
        rejected = self.browse()
        if not self.env.user.has_group(MANAGER_GROUP):
            rejected = self.filtered(lambda o: o.credit_state == "rejected")
        checked = (self - rejected).filtered(lambda o: o._credit_must_check())
        checked._credit_lock()
        held = self.browse()
        for order in checked:
            reasons, snapshot = order._credit_evaluate()
            if any(reason.blocking for reason in reasons):
                order._credit_hold(reasons, snapshot)
                held |= order
                continue
            if order.credit_state == "hold":
                order._credit_clear_holds(
                    self.env._("Within credit when confirmed again.")
                )
            credit_engine(order.sudo()).credit_state = (
                "warning" if reasons else "approved"
            )
            if reasons:
                order._credit_log(
                    self.env._("Credit warning:"), order._credit_messages(reasons)
                )
            super(SaleOrder, credit_engine(order)).action_confirm()
        unchecked = self - checked - rejected
        if unchecked:
            super(SaleOrder, credit_engine(unchecked)).action_confirm()
        if held or rejected:
            return self._credit_hold_notification(held | rejected)
        return True

    def _credit_clear_holds(self, note):
        """Close the holds still waiting for review: nothing is left to decide."""
        pending = self.credit_hold_ids.filtered(lambda h: h.state == "pending")
        pending.sudo()._decide("cleared", note)

    def _credit_hold(self, reasons, snapshot):
        """Keep the order a quotation, on hold, and ask the credit managers."""
        self.ensure_one()
        reason_lines = [
            fields.Command.create(
                {"code": r.code, "blocking": r.blocking, "values": r.values}
            )
            for r in reasons
        ]
        pins = {
            "partner_id": self._credit_partner().id,
            "company_id": self.company_id.id,
            "order_partner_id": self.partner_id.id,
            "invoice_partner_id": self.partner_invoice_id.id,
        }
        Hold = credit_engine(self.env["credit.hold"].sudo())
        hold = Hold.search([("order_id", "=", self.id), ("state", "=", "pending")])
        if hold:
            hold.write(
                dict(
                    snapshot, **pins, reason_ids=[fields.Command.clear()] + reason_lines
                )
            )
        else:
            hold = Hold.create(
                dict(
                    snapshot,
                    **pins,
                    order_id=self.id,
                    name=self.name,
                    reason_ids=reason_lines,
                )
            )
            hold._credit_notify_managers()
        credit_engine(self.sudo()).credit_state = "hold"
        self._credit_log(
            self.env._("Order put on credit hold:"), hold.reason_ids.mapped("message")
        )

    def _credit_messages(self, reasons):
        """The sentences explaining ``reasons``, in the reader's language."""
        self.ensure_one()
        Reason = self.env["credit.hold.reason"]
        return [
            Reason._message(r.code, r.values, self.company_id.currency_id)
            for r in reasons
        ]

    def _credit_log(self, title, messages):
        items = Markup("").join(Markup("<li>%s</li>") % m for m in messages)
        self.message_post(body=Markup("<p>%s</p><ul>%s</ul>") % (title, items))

    def _credit_hold_notification(self, held):
        message = "\n".join(
            f"{order.name}: "
            + " ".join(
                order.credit_hold_ids.sorted("id", reverse=True)[:1].reason_ids.mapped(
                    "message"
                )
            )
            for order in held
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Order on credit hold"),
                "message": message,
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_credit_open_hold(self):
        """Open the order's credit hold waiting for review, else its latest one."""
        self.ensure_one()
        holds = self.credit_hold_ids.sorted("id", reverse=True)
        hold = holds.filtered(lambda h: h.state == "pending")[:1] or holds[:1]
        if not hold:
            raise UserError(self.env._("This order has no credit hold."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Hold"),
            "res_model": "credit.hold",
            "res_id": hold.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_credit_request_release(self):
        """Ask the credit managers to release the order's hold waiting for review."""
        self.ensure_one()
        hold = self.credit_hold_ids.filtered(lambda h: h.state == "pending")
        if not hold:
            raise UserError(self.env._("This order is not on credit hold."))
        return hold.action_request_release()

    # Preview on the quotation

    @api.depends(
        "amount_total", "partner_id", "partner_invoice_id", "state", "company_id"
    )
    def _compute_credit_preview(self):
        for order in self:
            order.update(order._credit_preview_values(None, ()))
            if order.state not in ("draft", "sent") or not order.partner_invoice_id:
                continue
            if not order._credit_policy_applies():
                continue
            order.update(order._credit_preview_values(*order._credit_run()))

    def _credit_preview_values(self, check, reasons):
        """The banner's fields for ``check`` and the ``reasons`` it found, or empty
        ones when no check applies (``check`` is ``None``); add-ons add theirs."""
        if check is None:
            return {
                "credit_check_applies": False,
                "credit_available": 0.0,
                "credit_preview": False,
                "credit_preview_blocking": False,
            }
        return {
            "credit_check_applies": True,
            "credit_available": credit_rules.available(
                check.limit, check.exposure.total
            ),
            "credit_preview": "\n".join(self._credit_messages(reasons)) or False,
            "credit_preview_blocking": any(r.blocking for r in reasons),
        }

    @api.depends("company_id", "partner_id", "partner_invoice_id", "amount_total")
    def _compute_partner_credit_warning(self):
        """One figure: where our check applies, Odoo's own credit banner is hidden."""
        result = super()._compute_partner_credit_warning()
        for order in self.filtered("partner_credit_warning"):
            if order.partner_invoice_id and order._credit_policy_applies():
                order.partner_credit_warning = ""
        return result

    # Orders that grow after confirmation

    def _credit_check_growth(self):
        """Flag confirmed orders whose customer no longer passes the check."""
        grown = self.filtered(
            lambda o: o.state == "sale" and o._credit_policy_applies()
        )
        grown._credit_lock()
        for order in grown:
            reasons, _snapshot = order._credit_evaluate(order_amount=0.0)
            blocking = [r for r in reasons if r.blocking]
            if not blocking:
                continue
            order._credit_log(
                self.env._(
                    "The order grew and its customer no longer passes the check:"
                ),
                order._credit_messages(blocking),
            )
            if order.credit_state != "exceeded":
                credit_engine(order.sudo()).credit_state = "exceeded"
                order.company_id._credit_schedule_review(
                    order,
                    lambda env: env._(
                        "The order grew after confirmation and its customer no "
                        "longer passes the credit check."
                    ),
                )
