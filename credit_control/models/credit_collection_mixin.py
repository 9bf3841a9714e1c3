from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..lib import dunning

CONTROLLER_GROUP = "credit_control.group_credit_controller"
MANAGER_GROUP = "credit_control.group_credit_manager"
# Context value with which the buttons and the daily evaluation set a state.
STATE_CHANGE = object()

# Per record of the model's table picked by %(where)s: its invoices, what the
# payments matched to their receivable lines on or after the record's %(since)s
# date paid (company currency), then the model's own %(columns)s.
PAID_SQL = """
SELECT record.id,
       ARRAY(SELECT rel.%(move)s FROM %(relation)s rel
              WHERE rel.%(owner)s = record.id) AS move_ids,
       COALESCE((SELECT SUM(part.amount)
                   FROM %(relation)s rel
                   JOIN account_move_line aml ON aml.move_id = rel.%(move)s
                   JOIN account_account account ON account.id = aml.account_id
                   JOIN account_partial_reconcile part ON part.debit_move_id = aml.id
                  WHERE rel.%(owner)s = record.id
                    AND account.account_type = 'asset_receivable'
                    AND part.max_date >= record.%(since)s), 0) AS paid,
       %(columns)s
  FROM %(table)s record
 WHERE %(where)s
"""


class CreditCollectionMixin(models.AbstractModel):
    """What a customer committed to pay on some of its open invoices: a promise to
    pay or a payment plan.  While it holds, the dunning of its invoices pauses; the
    payments matched to the invoices tell, day by day, whether it holds.

    A model using it has ``move_ids`` (its invoices), a ``state`` whose
    ``_credit_open_state`` is evaluated every day, the date payments count from
    (``_credit_since``) and the fields that freeze once it leaves
    ``_credit_edit_state`` (``_credit_frozen_fields``); it maps the record's row
    of :data:`PAID_SQL` to a status of :mod:`..lib.dunning` (``_credit_status``)
    and that status to one of its states (``_credit_lib_states``).
    """

    _name = "credit.collection.mixin"
    _description = "Customer Payment Commitment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _check_company_auto = True

    _credit_since = "date"
    _credit_open_state = None
    _credit_edit_state = None
    _credit_frozen_fields = frozenset()
    _credit_lib_states = {}

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        tracking=True,
        help="Who recorded it, and is told when it is broken.",
    )
    grace_days = fields.Integer(
        default=3,
        help="Days after a date an amount may still be paid before it counts as "
        "missed, to leave time for the payment to be matched.",
    )
    note = fields.Text()
    paid_amount = fields.Monetary(
        string="Paid",
        compute="_compute_credit_paid",
        help="What the payments matched to the invoices have paid since it "
        "started, in the company currency.",
    )

    # The payments, in one query

    def _credit_sql_columns(self):
        """The model's own columns of :data:`PAID_SQL`."""
        raise NotImplementedError

    def _credit_status(self, row, today, round_amount):
        """The :mod:`..lib.dunning` status of the row of a record ``today``."""
        raise NotImplementedError

    def _credit_flush(self):
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(["move_id", "account_id"])
        self.flush_model()

    @api.model
    def _credit_rows(self, where):
        """The rows of :data:`PAID_SQL` of the records ``where`` picks."""
        moves = self._fields["move_ids"]
        self._credit_flush()
        self.env.cr.execute(
            SQL(
                PAID_SQL,
                move=SQL.identifier(moves.column2),
                owner=SQL.identifier(moves.column1),
                relation=SQL.identifier(moves.relation),
                since=SQL.identifier(self._credit_since),
                columns=self._credit_sql_columns(),
                table=SQL.identifier(self._table),
                where=where,
            )
        )
        return self.env.cr.dictfetchall()

    def _credit_own_rows(self):
        """The rows of the saved records of ``self``, by id."""
        ids = [record_id for record_id in self._origin.ids if record_id]
        if not ids:
            return {}
        rows = self._credit_rows(SQL("record.id = ANY(%s)", ids))
        return {row["id"]: row for row in rows}

    def _compute_credit_paid(self):
        rows = self._credit_own_rows()
        for record in self:
            row = rows.get(record._origin.id)
            record.paid_amount = row["paid"] if row else 0.0

    @api.model
    def _credit_open_rows(self, company):
        return self._credit_rows(
            SQL(
                "record.company_id = %s AND record.state = %s",
                company.id,
                self._credit_open_state,
            )
        )

    # What the dunning run and the alerts call

    @api.model
    def _credit_paused_move_ids(self, company, today):
        """Ids of the invoices of ``company`` whose dunning the open records pause
        ``today``: they still hold, whether or not the daily evaluation ran."""
        round_amount = company.currency_id.round
        return {
            move_id
            for row in self._credit_open_rows(company)
            if self._credit_status(row, today, round_amount) in dunning.PAUSING
            for move_id in row["move_ids"]
        }

    @api.model
    def _credit_broken(self, company, today):
        """Move the open records of ``company`` to the state they reach ``today``
        and return those that just broke: the dunning of their invoices resumes."""
        round_amount = company.currency_id.round
        changes = defaultdict(list)
        for row in self._credit_open_rows(company):
            status = self._credit_status(row, today, round_amount)
            state = self._credit_lib_states[status]
            if state != self._credit_open_state:
                changes[state].append(row["id"])
        for state, ids in changes.items():
            self.browse(ids)._credit_set_state(state)
        return self.browse(changes[dunning.BROKEN])

    @api.model
    def _credit_evaluate(self, company, today):
        """The daily evaluation of ``company``: the broken records alert their
        collector.  Returns them."""
        broken = self._credit_broken(company, today)
        broken._credit_notify_broken(today)
        return broken

    @api.model
    def _cron_evaluate(self):
        today = fields.Date.context_today(self)
        Record = self.sudo()
        groups = Record._read_group(
            [("state", "=", self._credit_open_state)], ["company_id"]
        )
        for (company,) in groups:
            Record.with_company(company)._credit_evaluate(company, today)

    # Broken

    def _credit_broken_note(self, env, today):
        """Why the record is broken ``today``, in the language of ``env``."""
        raise NotImplementedError

    def _credit_notify_broken(self, today):
        """A to-do for the collector who recorded it (else the credit managers),
        and a note on the customer."""
        for record in self.sudo():

            def note(env, record=record):
                return record._credit_broken_note(env, today)

            user = record.user_id
            if user.active and not user.share:
                record.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=today,
                    note=note(record.with_context(lang=user.lang).env),
                    user_id=user.id,
                )
            else:
                record.company_id._credit_schedule_review(record, note)
            record.partner_id.message_post(
                body=note(record.env), subtype_xmlid="mail.mt_note"
            )

    # Rights and input

    def _credit_check_rights(self, group=CONTROLLER_GROUP):
        if self.env.su or self.env.user.has_group(group):
            return
        if group == MANAGER_GROUP:
            raise AccessError(
                self.env._(
                    "Only a Credit Manager can delete promises to pay and payment "
                    "plans."
                )
            )
        raise AccessError(
            self.env._(
                "Only a Credit Controller can record promises to pay and payment plans."
            )
        )

    def _credit_check_vals(self, vals):
        if "state" in vals and self.env.context.get("credit_collection") is not (
            STATE_CHANGE
        ):
            raise AccessError(
                self.env._("The state changes with the buttons and the daily check.")
            )

    def _credit_set_state(self, state):
        self.sudo().with_context(credit_collection=STATE_CHANGE).write({"state": state})

    @api.model_create_multi
    def create(self, vals_list):
        self._credit_check_rights()
        for vals in vals_list:
            self._credit_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._credit_check_rights()
        self._credit_check_vals(vals)
        if self._credit_frozen_fields.intersection(vals) and any(
            record.state != self._credit_edit_state for record in self
        ):
            raise ValidationError(
                self.env._(
                    "%(records)s can no longer be changed: cancel it and record "
                    "another one.",
                    records=", ".join(self.mapped("display_name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_by_managers(self):
        self._credit_check_rights(MANAGER_GROUP)

    @api.constrains("grace_days")
    def _check_grace_days(self):
        if any(record.grace_days < 0 for record in self):
            raise ValidationError(self.env._("The grace days cannot be negative."))

    @api.constrains("partner_id", "move_ids")
    def _check_credit_moves(self):
        for record in self:
            partner = record.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact of %(customer)s: record it on "
                        "%(customer)s.",
                        contact=partner.display_name,
                        customer=partner.commercial_partner_id.display_name,
                    )
                )
            if record.state != record._credit_edit_state:
                continue
            if not record.move_ids:
                raise ValidationError(self.env._("Pick the invoices it covers."))
            wrong = record.move_ids.filtered(
                lambda move, partner=partner: (
                    move.move_type != "out_invoice"
                    or move.state != "posted"
                    or move.commercial_partner_id != partner
                    or move.company_currency_id.compare_amounts(
                        move.amount_residual_signed, 0
                    )
                    <= 0
                )
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(invoices)s: only posted invoices of %(customer)s with "
                        "something left to pay can be covered.",
                        invoices=", ".join(wrong.mapped("display_name")),
                        customer=partner.display_name,
                    )
                )

    def _credit_check_moves_free(self, state):
        """No other record in ``state`` covers the invoices of ``self``."""
        for record in self:
            other = self.sudo().search(
                [
                    ("id", "!=", record.id),
                    ("company_id", "=", record.company_id.id),
                    ("state", "=", state),
                    ("move_ids", "in", record.move_ids.ids),
                ],
                limit=1,
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(invoices)s: already covered by %(other)s, which still "
                        "holds.",
                        invoices=", ".join(
                            (record.move_ids & other.move_ids).mapped("display_name")
                        ),
                        other=other.display_name,
                    )
                )

    def _credit_residual(self):
        """What is left to pay of the invoices, in the company currency."""
        self.ensure_one()
        return self.currency_id.round(
            sum(self.move_ids.mapped("amount_residual_signed"))
        )
