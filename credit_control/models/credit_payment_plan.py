from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date

from ..lib import dunning

ACTIVE = "active"
# The instalments of a plan, oldest first, as two arrays of the same length.
INSTALMENTS_SQL = """
record.grace_days,
ARRAY(SELECT line.date FROM credit_payment_plan_instalment line
       WHERE line.plan_id = record.id ORDER BY line.date, line.id) AS dates,
ARRAY(SELECT line.amount FROM credit_payment_plan_instalment line
       WHERE line.plan_id = record.id ORDER BY line.date, line.id) AS amounts
"""


class CreditPaymentPlan(models.Model):
    """Instalments agreed with a customer to settle some of its overdue invoices,
    with interest or without.  While the instalments are paid on time the
    invoices are not dunned; the plan is completed once every instalment is paid,
    broken when one is missed, which resumes their dunning and alerts the
    collector.  Payments matched to the invoices from the start date on pay the
    instalments, oldest first."""

    _name = "credit.payment.plan"
    _description = "Payment Plan"
    _inherit = ["credit.collection.mixin"]
    _order = "date_start desc, id desc"

    _credit_since = "date_start"
    _credit_open_state = ACTIVE
    _credit_edit_state = "draft"
    _credit_frozen_fields = frozenset(
        {
            "company_id",
            "partner_id",
            "move_ids",
            "principal",
            "interest_rate",
            "date_start",
            "instalment_count",
            "first_date",
            "grace_days",
            "instalment_ids",
        }
    )
    _credit_lib_states = {
        dunning.ON_TRACK: ACTIVE,
        dunning.COMPLETED: dunning.COMPLETED,
        dunning.BROKEN: dunning.BROKEN,
    }

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('amount_residual', '>', 0), ('commercial_partner_id', '=', partner_id)]",
        help="The overdue invoices the plan settles.",
    )
    principal = fields.Monetary(
        compute="_compute_principal",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="What the instalments repay, interest aside; by default what is left "
        "to pay of the invoices.",
    )
    interest_rate = fields.Float(
        string="Annual Interest (%)",
        digits=(16, 2),
        tracking=True,
        help="Simple interest on the principal still owed, charged with each "
        "instalment; 0 for none.",
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
        help="Interest runs from this day; payments matched from it on count.",
    )
    instalment_count = fields.Integer(string="Number of Instalments", default=3)
    first_date = fields.Date(
        string="First Instalment",
        compute="_compute_first_date",
        store=True,
        readonly=False,
        precompute=True,
    )
    instalment_ids = fields.One2many(
        "credit.payment.plan.instalment", "plan_id", string="Instalments"
    )
    interest_total = fields.Monetary(
        string="Interest", compute="_compute_totals", store=True
    )
    amount_total = fields.Monetary(
        string="Total to Pay", compute="_compute_totals", store=True
    )
    next_due_date = fields.Date(string="Next Due", compute="_compute_progress")
    amount_behind = fields.Monetary(
        string="Behind",
        compute="_compute_progress",
        help="What the missed instalments still ask.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            (ACTIVE, "Active"),
            (dunning.COMPLETED, "Completed"),
            (dunning.BROKEN, "Broken"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        tracking=True,
    )

    @api.depends("partner_id", "date_start")
    def _compute_display_name(self):
        for plan in self:
            plan.display_name = self.env._(
                "%(customer)s: plan from %(date)s",
                customer=plan.partner_id.display_name or "",
                date=format_date(self.env, plan.date_start),
            )

    @api.depends("move_ids")
    def _compute_principal(self):
        for plan in self:
            plan.principal = plan._credit_residual()

    @api.depends("date_start")
    def _compute_first_date(self):
        for plan in self:
            plan.first_date = plan.date_start and dunning.add_months(plan.date_start, 1)

    @api.depends("instalment_ids.amount", "instalment_ids.interest")
    def _compute_totals(self):
        for plan in self:
            plan.interest_total = sum(plan.instalment_ids.mapped("interest"))
            plan.amount_total = sum(plan.instalment_ids.mapped("amount"))

    @api.depends_context("date")
    def _compute_progress(self):
        today = fields.Date.context_today(self)
        rows = self._credit_own_rows()
        for plan in self:
            row = rows.get(plan._origin.id)
            if not row or plan.state not in (ACTIVE, dunning.BROKEN):
                plan.next_due_date = False
                plan.amount_behind = 0.0
                continue
            status = plan._credit_plan_status(row, today)
            plan.next_due_date = status.next_due and status.next_due.date
            plan.amount_behind = status.behind

    # The daily evaluation

    def _credit_flush(self):
        self.env["credit.payment.plan.instalment"].flush_model()
        return super()._credit_flush()

    def _credit_sql_columns(self):
        return SQL(INSTALMENTS_SQL)

    def _credit_plan_status(self, row, today, round_amount=None):
        instalments = [
            (when, float(amount))
            for when, amount in zip(row["dates"], row["amounts"], strict=True)
        ]
        return dunning.plan_status(
            instalments,
            float(row["paid"]),
            today,
            row["grace_days"],
            round_amount or self.company_id.currency_id.round,
        )

    def _credit_status(self, row, today, round_amount):
        return self._credit_plan_status(row, today, round_amount).status

    def _credit_broken_note(self, env, today):
        record = self.with_env(env)
        row = record._credit_own_rows()[record.id]
        status = record._credit_plan_status(row, today)
        return env._(
            "Payment plan broken: %(behind)s of the instalments due since %(date)s "
            "not paid. The dunning of %(invoices)s resumes.",
            behind=format_amount(env, status.behind, record.currency_id),
            date=format_date(env, status.next_due.date),
            invoices=", ".join(record.move_ids.mapped("display_name")),
        )

    # Buttons

    def _credit_check_draft(self):
        self._credit_check_rights()
        self.check_access("write")
        if any(plan.state != "draft" for plan in self):
            raise UserError(self.env._("Only a draft payment plan can be changed."))

    def action_compute_instalments(self):
        """Monthly instalments from the first date that repay the principal in
        equal parts, each with the interest on what is still owed."""
        self._credit_check_draft()
        for plan in self:
            if plan.currency_id.compare_amounts(plan.principal, 0) <= 0:
                raise UserError(self.env._("The principal must be above 0."))
            if plan.instalment_count < 1:
                raise UserError(self.env._("Give the number of instalments."))
            if not plan.first_date or plan.first_date <= plan.date_start:
                raise UserError(
                    self.env._("The first instalment falls after the start date.")
                )
            schedule = dunning.plan_schedule(
                plan.principal,
                plan.date_start,
                dunning.monthly_dates(plan.first_date, plan.instalment_count),
                plan.interest_rate,
                plan.currency_id.round,
            )
            plan.instalment_ids = [Command.clear()] + [
                Command.create(
                    {
                        "date": line.date,
                        "amount": line.amount,
                        "interest": line.interest,
                    }
                )
                for line in schedule
            ]
        return True

    def action_activate(self):
        """The customer agreed to the instalments: the dunning of the invoices
        pauses while they are paid on time."""
        self._credit_check_draft()
        for plan in self:
            plan._credit_check_instalments()
        self._check_credit_moves()
        self._credit_check_moves_free(ACTIVE)
        self._credit_set_state(ACTIVE)
        return True

    def _credit_check_instalments(self):
        self.ensure_one()
        currency = self.currency_id
        residual = self._credit_residual()
        if currency.compare_amounts(self.principal, 0) <= 0:
            raise UserError(self.env._("The principal must be above 0."))
        if currency.compare_amounts(self.principal, residual) > 0:
            raise UserError(
                self.env._(
                    "The principal %(principal)s is more than the %(left)s left to "
                    "pay of the invoices.",
                    principal=format_amount(self.env, self.principal, currency),
                    left=format_amount(self.env, residual, currency),
                )
            )
        lines = self.instalment_ids.sorted(lambda line: (line.date, line.id))
        if not lines:
            raise UserError(self.env._("Add the instalments, or compute them, first."))
        previous = self.date_start
        for line in lines:
            if line.date <= previous:
                raise UserError(
                    self.env._(
                        "The instalments fall after the start date, each on a "
                        "later day than the one before: %(date)s does not.",
                        date=format_date(self.env, line.date),
                    )
                )
            previous = line.date
        repaid = self.amount_total - self.interest_total
        if currency.compare_amounts(repaid, self.principal):
            raise UserError(
                self.env._(
                    "The instalments add up to %(total)s, of which %(interest)s "
                    "interest: they repay %(repaid)s, not the principal of "
                    "%(principal)s. Correct them or compute them again.",
                    total=format_amount(self.env, self.amount_total, currency),
                    interest=format_amount(self.env, self.interest_total, currency),
                    repaid=format_amount(self.env, repaid, currency),
                    principal=format_amount(self.env, self.principal, currency),
                )
            )

    def action_cancel(self):
        """The plan no longer holds: the dunning of its invoices resumes."""
        self._credit_check_rights()
        self.check_access("write")
        if any(plan.state not in ("draft", ACTIVE) for plan in self):
            raise UserError(
                self.env._("Only a draft or an active payment plan can be cancelled.")
            )
        self._credit_set_state("cancelled")
        return True
