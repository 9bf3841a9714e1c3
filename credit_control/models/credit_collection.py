from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .credit_exposure_sql import OPEN_RECEIVABLE_SQL

CONTROLLER_GROUP = "credit_control.group_credit_controller"
# Days without contact after which a customer shows under "Not Contacted".
QUIET_DAYS = 7

# The customers of %(company_id)s to follow up on %(today)s, one row each: their
# open invoices overdue or due within the reminder lead of the company's earliest
# dunning level, in company currency.  Per invoice, the next level of the
# customer's policy and the day it is reached (its days past due, the interval
# since its last step, the end of the customer's dunning block); disputed
# invoices and those a pending promise or an active plan covers do not move.
COLLECTION_SQL = """
WITH items AS (
    SELECT customer.id AS partner_id,
           aml.date_maturity,
           aml.amount_residual AS residual,
           move.credit_dunning_level_id AS level_id,
           move.credit_dunning_date AS dunning_date,
           COALESCE(move.credit_disputed, FALSE) AS disputed,
           COALESCE((customer.credit_policy_id ->> %(company_key)s)::int,
                    company.credit_policy_id) AS policy_id,
           (customer.credit_dunning_blocked_until ->> %(company_key)s)::date
               AS blocked_until,
           (EXISTS (SELECT 1 FROM %(promise_rel)s rel
                      JOIN credit_promise promise ON promise.id = rel.%(promise_col)s
                     WHERE rel.%(promise_move)s = move.id
                       AND promise.state = 'pending')
            OR EXISTS (SELECT 1 FROM %(plan_rel)s rel
                         JOIN credit_payment_plan plan ON plan.id = rel.%(plan_col)s
                        WHERE rel.%(plan_move)s = move.id
                          AND plan.state = 'active')) AS paused
      FROM account_move_line aml
      JOIN account_move move ON move.id = aml.move_id
      JOIN res_partner partner ON partner.id = aml.partner_id
      JOIN res_partner customer ON customer.id = partner.commercial_partner_id
      JOIN res_company company ON company.id = aml.company_id
     WHERE %(open_receivable)s
       AND aml.company_id = %(company_id)s
       AND aml.amount_residual > 0
       AND aml.date_maturity <= %(today)s::date + GREATEST(0, -COALESCE(
               (SELECT MIN(days) FROM credit_dunning_level
                 WHERE company_id = %(company_id)s), 0))
),
steps AS (
    SELECT items.*, reached.sequence AS level_sequence,
           following.id AS next_level_id, following.sequence AS next_sequence,
           CASE WHEN following.id IS NOT NULL
                THEN GREATEST(items.date_maturity + following.days,
                              items.dunning_date + following.min_interval,
                              items.blocked_until + 1)
           END AS next_date
      FROM items
      LEFT JOIN credit_dunning_level reached ON reached.id = items.level_id
      LEFT JOIN LATERAL (
           SELECT step.id, step.sequence, step.days, step.min_interval
             FROM credit_dunning_level step
            WHERE step.policy_id = items.policy_id
              AND step.sequence > COALESCE(reached.sequence, 0)
         ORDER BY step.sequence
            LIMIT 1) following ON NOT items.disputed AND NOT items.paused
),
customers AS (
    SELECT partner_id,
           COALESCE(SUM(residual) FILTER (WHERE date_maturity < %(today)s), 0)
               AS overdue_amount,
           SUM(residual) AS due_amount,
           %(today)s::date - MIN(date_maturity) AS days_overdue,
           (ARRAY_AGG(level_id ORDER BY level_sequence DESC NULLS LAST))[1]
               AS level_id,
           MAX(dunning_date) AS last_dunning_date,
           (ARRAY_AGG(next_level_id ORDER BY next_date, next_sequence DESC)
               FILTER (WHERE next_level_id IS NOT NULL))[1] AS next_level_id,
           MIN(next_date) AS next_action_date,
           COALESCE(SUM(residual) FILTER (WHERE disputed), 0) AS disputed_amount
      FROM steps
  GROUP BY partner_id
)
SELECT customers.partner_id AS id,
       %(company_id)s AS company_id,
       customers.*,
       customer.user_id,
       (customer.credit_collector_id ->> %(company_key)s)::int AS collector_id,
       customer.credit_escalation ->> %(company_key)s AS escalation,
       GREATEST(customers.last_dunning_date, (
           SELECT MAX(message.date)::date
             FROM mail_message message
            WHERE message.model = 'res.partner'
              AND message.res_id = customers.partner_id
              AND (message.message_type IN ('comment', 'email')
                   OR message.mail_activity_type_id IS NOT NULL))) AS last_contact,
       COALESCE(promises.count, 0) AS promise_count,
       COALESCE(promises.amount, 0) AS promise_amount,
       COALESCE(promises.broken, FALSE) AS promise_broken,
       (SELECT plan.id FROM credit_payment_plan plan
         WHERE plan.partner_id = customers.partner_id
           AND plan.company_id = %(company_id)s
           AND plan.state = 'active'
      ORDER BY plan.id DESC LIMIT 1) AS payment_plan_id
  FROM customers
  JOIN res_partner customer ON customer.id = customers.partner_id
  LEFT JOIN LATERAL (
       SELECT COUNT(*) FILTER (WHERE promise.state = 'pending') AS count,
              SUM(promise.amount) FILTER (WHERE promise.state = 'pending') AS amount,
              BOOL_OR(promise.state = 'broken'
                      AND promise.promised_date >= %(today)s::date - 90) AS broken
         FROM credit_promise promise
        WHERE promise.partner_id = customers.partner_id
          AND promise.company_id = %(company_id)s) promises ON TRUE
"""


class CreditCollection(models.Model):
    """The collections workspace: the customers of the current company with
    invoices overdue or about to fall due, how far their dunning went, what comes
    next and when, and the buttons to log what was done about them.

    Read from one SQL query (:data:`COLLECTION_SQL`) on today's figures, whatever
    the number of customers; the next action follows each invoice's next level,
    regardless of the levels' minimum amounts.
    """

    _name = "credit.collection"
    _description = "Customer to Follow Up"
    _auto = False
    _order = "days_overdue desc, overdue_amount desc, id"
    _rec_name = "partner_id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "amount_residual_currency",
            "company_id",
            "date_maturity",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.move": [
            "credit_disputed",
            "credit_dunning_date",
            "credit_dunning_level_id",
        ],
        "res.partner": [
            "commercial_partner_id",
            "credit_collector_id",
            "credit_dunning_blocked_until",
            "credit_escalation",
            "credit_policy_id",
            "user_id",
        ],
        "credit.dunning.level": ["days", "min_interval", "policy_id", "sequence"],
        "credit.promise": [
            "amount",
            "company_id",
            "move_ids",
            "partner_id",
            "promised_date",
            "state",
        ],
        "credit.payment.plan": ["company_id", "move_ids", "partner_id", "state"],
        "mail.message": [
            "date",
            "mail_activity_type_id",
            "message_type",
            "model",
            "res_id",
        ],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    overdue_amount = fields.Monetary(string="Total Overdue", readonly=True)
    due_amount = fields.Monetary(
        string="To Collect",
        readonly=True,
        help="The overdue amount and what falls due within the first reminder.",
    )
    days_overdue = fields.Integer(
        string="Oldest Days Overdue",
        readonly=True,
        help="Days since the due date of the oldest open invoice; negative when it "
        "is not due yet.",
    )
    level_id = fields.Many2one(
        "credit.dunning.level",
        string="Current Level",
        readonly=True,
        help="The highest dunning level its open invoices reached.",
    )
    last_dunning_date = fields.Date(string="Last Dunned On", readonly=True)
    next_level_id = fields.Many2one("credit.dunning.level", readonly=True)
    next_action = fields.Char(compute="_compute_next_action")
    next_action_date = fields.Date(
        readonly=True,
        help="The first day a dunning run moves one of its invoices to its next "
        "level, when the levels' minimum amounts are reached.",
    )
    last_contact = fields.Date(
        readonly=True,
        help="The last dunning, call, email or note on the customer.",
    )
    promise_count = fields.Integer(string="Pending Promises", readonly=True)
    promise_amount = fields.Monetary(string="Promised", readonly=True)
    promise_broken = fields.Boolean(
        string="Broken Promise",
        readonly=True,
        help="A promise to pay of the customer was broken in the last 90 days.",
    )
    payment_plan_id = fields.Many2one(
        "credit.payment.plan", string="Active Plan", readonly=True
    )
    disputed_amount = fields.Monetary(string="Disputed", readonly=True)
    escalation = fields.Selection(
        [("none", "None"), ("legal", "Legal"), ("agency", "Collection agency")],
        readonly=True,
    )

    @property
    def _table_query(self):
        company = self.env.company
        today = fields.Date.context_today(self)

        def rel(model):
            field = self.env[model]._fields["move_ids"]
            return (
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
            )

        promise_rel, promise_col, promise_move = rel("credit.promise")
        plan_rel, plan_col, plan_move = rel("credit.payment.plan")
        return SQL(
            COLLECTION_SQL,
            company_id=company.id,
            company_key=str(company.id),
            today=today,
            open_receivable=SQL(OPEN_RECEIVABLE_SQL, company_ids=[company.id]),
            promise_rel=promise_rel,
            promise_col=promise_col,
            promise_move=promise_move,
            plan_rel=plan_rel,
            plan_col=plan_col,
            plan_move=plan_move,
        )

    @api.depends("next_level_id")
    def _compute_next_action(self):
        for row in self:
            row.next_action = row.next_level_id._credit_action_summary()

    # Buttons

    def _check_controller(self):
        if not self.env.su and not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can act on the collections.")
            )

    def _credit_customer(self):
        """The customer of the row, after checking the user may act on it."""
        self.ensure_one()
        self._check_controller()
        self.check_access("read")
        if not self.partner_id:
            raise UserError(self.env._("This customer has nothing left to collect."))
        return self.partner_id

    @api.model
    def _credit_overdue_moves(self, partner, company):
        """The overdue invoices of ``partner`` in ``company`` a promise may still
        cover: not disputed, and not covered by a pending promise."""
        today = fields.Date.context_today(self)
        moves = (
            self.env["account.move"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("amount_residual", ">", 0),
                    ("invoice_date_due", "<", today),
                    ("credit_disputed", "=", False),
                ],
                order="invoice_date_due, id",
            )
        )
        promised = (
            self.env["credit.promise"]
            .sudo()
            .search([("state", "=", "pending"), ("move_ids", "in", moves.ids)])
            .move_ids
        )
        return (moves - promised).with_env(self.env)

    def action_log_call(self):
        """A small form to note what the customer said on the phone."""
        partner = self._credit_customer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "credit.collection.call",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": self.company_id.id,
            },
        }

    def action_send_email(self):
        """The email composer, on the customer's last dunning communication with
        its template (the message also goes to the customer's chatter), else on the
        customer."""
        partner = self._credit_customer()
        communication = self.env["credit.dunning"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company_id.id)],
            order="date desc, id desc",
            limit=1,
        )
        record = communication or partner
        context = {
            "default_model": record._name,
            "default_res_ids": record.ids,
            "default_composition_mode": "comment",
        }
        if communication:
            context["default_template_id"] = communication._email_template().id
        else:
            context["default_partner_ids"] = partner.ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send an Email"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def action_record_promise(self):
        """A new promise to pay of the customer for its overdue invoices."""
        partner = self._credit_customer()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "credit.promise",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": self.company_id.id,
                "default_move_ids": self._credit_overdue_moves(
                    partner, self.company_id
                ).ids,
            },
        }

    def action_flag_dispute(self):
        """The dispute form, on the customer's overdue invoices not disputed yet."""
        partner = self._credit_customer()
        moves = self._credit_overdue_moves(partner, self.company_id)
        if not moves:
            raise UserError(
                self.env._(
                    "%(customer)s has no overdue invoice left to dispute.",
                    customer=partner.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Flag Dispute"),
            "res_model": "credit.dispute",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_move_ids": moves.ids,
                "credit_dispute_partner_id": partner.id,
            },
        }

    def action_open_customer(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "view_mode": "form",
            "views": [(False, "form")],
            "res_id": self.partner_id.id,
        }
