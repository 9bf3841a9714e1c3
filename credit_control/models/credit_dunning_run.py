from collections import defaultdict, namedtuple

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import dunning

CONTROLLER_GROUP = "credit_control.group_credit_controller"
# Customers handled per transaction by the run.
BATCH = 500

# A communication the run plans: the plain one of ``dunning.plan_run`` with the
# policy whose levels it follows.
Planned = namedtuple("Planned", ["policy", "communication"])

# The open receivable items the run looks at: overdue ones, and those due within
# the reminder lead of the company's earliest level.
ITEMS_SQL = """
SELECT aml.id AS line_id,
       aml.move_id,
       partner.commercial_partner_id AS partner_id,
       aml.currency_id,
       aml.date_maturity,
       aml.amount_residual_currency AS residual,
       move.credit_dunning_level_id AS level_id,
       move.credit_dunning_date AS dunning_date,
       move.credit_interest_until AS interest_until,
       COALESCE(move.credit_disputed, FALSE) AS disputed,
       (customer.credit_policy_id ->> %(company_key)s)::int AS policy_id,
       (customer.credit_dunning_blocked_until ->> %(company_key)s)::date
           AS blocked_until
  FROM account_move_line aml
  JOIN account_move move ON move.id = aml.move_id
  JOIN res_partner partner ON partner.id = aml.partner_id
  JOIN res_partner customer ON customer.id = partner.commercial_partner_id
 WHERE %(open_receivable)s
   AND aml.company_id = %(company_id)s
   AND aml.amount_residual_currency > 0
   AND aml.date_maturity <= %(horizon)s
 ORDER BY partner.commercial_partner_id, aml.currency_id, aml.date_maturity, aml.id
"""


class CreditDunningRun(models.Model):
    """A company's dunning of one day: the communications it sent, whether run by
    hand or by the daily action; a second run the same day adds to it."""

    _name = "credit.dunning.run"
    _description = "Dunning Run"
    _order = "date desc, id desc"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date = fields.Date(required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Run By", readonly=True)
    state = fields.Selection(
        [("running", "Running"), ("done", "Done")],
        required=True,
        default="running",
        readonly=True,
    )
    dunning_ids = fields.One2many(
        "credit.dunning", "run_id", string="Communications", readonly=True
    )
    dunning_count = fields.Integer(
        string="Number of Communications", compute="_compute_counts"
    )
    email_count = fields.Integer(string="Emails Sent", compute="_compute_counts")
    failed_count = fields.Integer(string="Failed Emails", compute="_compute_counts")
    letter_count = fields.Integer(string="Letters", compute="_compute_counts")

    _one_per_day = models.UniqueIndex("(company_id, date)")

    @api.depends("dunning_ids.state", "dunning_ids.print_letter")
    def _compute_counts(self):
        for run in self:
            communications = run.dunning_ids
            run.dunning_count = len(communications)
            run.email_count = len(communications.filtered(lambda c: c.state == "sent"))
            run.failed_count = len(
                communications.filtered(lambda c: c.state == "failed")
            )
            run.letter_count = len(communications.filtered("print_letter"))

    @api.depends("company_id", "date")
    def _compute_display_name(self):
        for run in self:
            run.display_name = self.env._(
                "Dunning of %(date)s", date=fields.Date.to_string(run.date)
            )

    @api.model
    def _check_controller(self):
        if not self.env.su and not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can run the dunning.")
            )

    # Extension point

    @api.model
    def _credit_dunning_paused_move_ids(self, company, today):
        """Ids of the invoices whose dunning is paused today: those of the pending
        promises to pay and of the payment plans on track; add-ons add theirs."""
        return {
            move_id
            for model in ("credit.promise", "credit.payment.plan")
            for move_id in self.env[model]
            .sudo()
            ._credit_paused_move_ids(company, today)
        }

    # Planning

    @api.model
    def _items(self, company, today):
        """The rows of the open receivable items of ``company`` the run looks at."""
        levels = (
            self.env["credit.dunning.level"]
            .sudo()
            .search([("company_id", "=", company.id)])
        )
        lead = max([0, *(-days for days in levels.mapped("days"))])
        params = self.env["credit.exposure"]._credit_sql_params(company, today)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                ITEMS_SQL,
                company_key=params["company_key"],
                open_receivable=params["open_receivable"],
                company_id=company.id,
                horizon=fields.Date.add(today, days=lead),
            )
        )
        return self.env.cr.dictfetchall(), levels

    @api.model
    def _plan(self, company, today):
        """The communications a run on ``today`` sends in ``company`` and the ids
        of the customers that stay on dunning hold; nothing is written."""
        rows, levels = self._items(company, today)
        sequences = {level.id: level.sequence for level in levels}
        hold_levels = set(levels.filtered("credit_hold").ids)
        paused = self._credit_dunning_paused_move_ids(company, today)
        groups = defaultdict(list)
        blocked = {}
        held = set()
        policies = {}  # the customers' policy ids -> the policy dunning them, if any
        for row in rows:
            policy_id = row["policy_id"]
            if policy_id not in policies:
                policy = company._credit_policy_for(policy_id)
                policies[policy_id] = policy if policy.dunning_level_ids else None
            policy = policies[policy_id]
            if not policy:
                continue
            blocked[row["partner_id"]] = row["blocked_until"]
            item = dunning.Item(
                key=(row["line_id"], row["move_id"]),
                partner=row["partner_id"],
                currency=row["currency_id"],
                due_date=row["date_maturity"],
                residual=float(row["residual"]),
                level=sequences.get(row["level_id"], 0),
                last_date=row["dunning_date"],
                disputed=row["disputed"],
                paused=row["move_id"] in paused,
                interest_from=row["interest_until"],
            )
            groups[policy, row["currency_id"]].append(item)
            if (
                row["level_id"]
                and not item.disputed
                and item.days_past_due(today) > 0
                and row["level_id"] in hold_levels
            ):
                held.add(row["partner_id"])
        planned = []
        for (policy, currency_id), items in groups.items():
            currency = self.env["res.currency"].browse(currency_id)
            tolerance = company.currency_id._convert(
                policy.dunning_tolerance, currency, company, today
            )
            for communication in dunning.plan_run(
                items,
                policy.dunning_level_ids._dunning_levels(currency, today),
                today,
                tolerance,
                blocked,
                currency.round,
            ):
                planned.append(Planned(policy, communication))
                if communication.level.key in hold_levels:
                    held.add(communication.partner)
        planned.sort(key=lambda p: (p.communication.partner, p.communication.currency))
        return planned, held

    # Running

    @api.model
    def _run(self, company, today=None, in_cron=False):
        """Dun the customers of ``company`` on ``today``, customers in batches;
        between them the daily action commits its progress, so that an
        interrupted run goes on where it stopped, without duplicates."""
        self._check_controller()
        today = today or fields.Date.context_today(self)
        run = self._for_day(company, today)
        planned, held = self._plan(company, today)
        partners = list(dict.fromkeys(p.communication.partner for p in planned))
        for start in range(0, len(partners), BATCH):
            batch = set(partners[start : start + BATCH])
            run._process([p for p in planned if p.communication.partner in batch])
            if in_cron and not self.env["ir.cron"]._commit_progress(
                processed=len(batch), remaining=len(partners) - start - len(batch)
            ):
                return run
        run._lift_holds(held)
        run.state = "done"
        return run

    @api.model
    def _for_day(self, company, today):
        """The run of ``company`` on ``today``, created when there is none yet."""
        Run = self.sudo()
        run = Run.search([("company_id", "=", company.id), ("date", "=", today)])
        if run:
            run.state = "running"
            return run
        return Run.create(
            {"company_id": company.id, "date": today, "user_id": self.env.uid}
        )

    def _process(self, planned):
        """Create the communications of ``planned``, record the invoices' new
        levels and do the levels' actions; all in the current transaction.  The
        communications log nothing on their own chatter: the customers' does."""
        self.ensure_one()
        communications = (
            self.env["credit.dunning"]
            .sudo()
            .with_context(tracking_disable=True)
            .create([self._communication_values(p) for p in planned])
        )
        self.env["credit.dunning.line"]._credit_insert(
            [
                dict(
                    values,
                    dunning_id=communication.id,
                    company_id=communication.company_id.id,
                )
                for communication, plan in zip(communications, planned, strict=True)
                for values in self._line_values(plan)
            ]
        )
        communications.invalidate_recordset(["line_ids"])
        self.env["account.move"].sudo()._credit_record_levels(
            {
                line.item.key[1]: line.level.key
                for plan in planned
                for line in plan.communication.lines
            },
            self.date,
        )
        for communication, plan in zip(communications, planned, strict=True):
            if plan.policy.dunning_charge_mode == "invoice":
                communication._invoice_charges(plan.communication)
        communications.filtered("send_email")._send_emails()
        communications.filtered(
            lambda c: c.state == "draft" and not c.print_letter
        ).state = "done"
        communications._credit_log_sent()
        communications.filtered("level_id.phone_call")._schedule_calls()
        for communication in communications:
            level = communication.level_id
            if level.credit_hold:
                communication._place_hold()
            if level.escalation != "none":
                communication._escalate()
        return communications

    def _communication_values(self, plan):
        communication = plan.communication
        return {
            "run_id": self.id,
            "company_id": self.company_id.id,
            "date": self.date,
            "partner_id": communication.partner,
            "currency_id": communication.currency,
            "level_id": communication.level.key,
            "total": communication.total,
            "fee": communication.fee,
            "interest": communication.interest,
        }

    def _line_values(self, plan):
        """The lines of the communication of ``plan``: the invoices that reached
        a level, then the other overdue ones."""
        today = self.date

        def line(item, level_id, interest, stepped):
            return {
                "move_line_id": item.key[0],
                "move_id": item.key[1],
                "level_id": level_id,
                "date_maturity": item.due_date,
                "residual": item.residual,
                "days_overdue": item.days_past_due(today),
                "interest": interest,
                "stepped": stepped,
            }

        communication = plan.communication
        return [
            line(step.item, step.level.key, step.interest, True)
            for step in communication.lines
        ] + [line(item, None, 0.0, False) for item in communication.others]

    def _lift_holds(self, held):
        """Lift the dunning blocks of the company's customers that have no
        invoice overdue at a hold level any more; other origins keep theirs."""
        self.ensure_one()
        blocks = (
            self.env["credit.block"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("origin", "=", "dunning"),
                    ("partner_id", "not in", list(held)),
                ]
            )
        )
        if blocks:
            blocks.action_lift(
                self.env._("No invoice of the customer is overdue at a hold level.")
            )

    @api.model
    def _cron_run(self):
        """The daily dunning of every company checking credit."""
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search(
            [("credit_check_active", "=", True)]
        ):
            self.sudo().with_company(company)._run(company, today, in_cron=in_cron)

    def action_print_letters(self):
        """The letters of the run, as one PDF."""
        self.ensure_one()
        return self.dunning_ids.action_print_letter()

    def action_open_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_dunning_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {}
        return action
