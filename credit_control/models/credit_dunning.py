from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

CONTROLLER_GROUP = "credit_control.group_credit_controller"


class CreditDunning(models.Model):
    """What one customer receives in one currency from a dunning run, at the
    highest level its invoices reached."""

    _name = "credit.dunning"
    _description = "Dunning Communication"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    run_id = fields.Many2one(
        "credit.dunning.run", index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    date = fields.Date(required=True, readonly=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    level_id = fields.Many2one("credit.dunning.level", required=True, readonly=True)
    line_ids = fields.One2many(
        "credit.dunning.line", "dunning_id", string="Invoices", readonly=True
    )
    total = fields.Monetary(
        string="Amount Due", readonly=True, help="The customer's overdue amount."
    )
    fee = fields.Monetary(readonly=True)
    interest = fields.Monetary(string="Late Interest", readonly=True)
    amount_to_pay = fields.Monetary(compute="_compute_amount_to_pay")
    state = fields.Selection(
        [
            ("draft", "To Print"),
            ("sent", "Sent"),
            ("printed", "Printed"),
            ("failed", "Failed"),
            ("done", "Done"),
        ],
        required=True,
        default="draft",
        readonly=True,
        tracking=True,
    )
    error = fields.Text(readonly=True)
    send_email = fields.Boolean(related="level_id.send_email")
    print_letter = fields.Boolean(related="level_id.print_letter")
    letter_printed = fields.Boolean(readonly=True, copy=False)
    recipient_id = fields.Many2one(
        "res.partner",
        string="Email To",
        compute="_compute_recipient_id",
        help="The customer's invoicing contact with an email, else the customer.",
    )
    charge_move_id = fields.Many2one(
        "account.move", string="Charges Invoice", readonly=True, copy=False
    )

    @api.depends("total", "fee", "interest")
    def _compute_amount_to_pay(self):
        for communication in self:
            communication.amount_to_pay = (
                communication.total + communication.fee + communication.interest
            )

    @api.depends("partner_id", "level_id", "date")
    def _compute_display_name(self):
        for communication in self:
            communication.display_name = (
                f"{communication.level_id.name or ''} - "
                f"{communication.partner_id.name or ''} ({communication.date or ''})"
            )

    def _check_controller(self):
        if not self.env.su and not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can run the dunning.")
            )

    # Email

    @api.depends("partner_id.child_ids.email", "partner_id.child_ids.type")
    def _compute_recipient_id(self):
        for communication in self:
            partner = communication.partner_id.sudo()
            contacts = partner.child_ids.filtered(
                lambda c: c.type == "invoice" and c.email
            )
            communication.recipient_id = contacts[:1] or partner

    # The customer's chatter

    def _credit_log_on_customer(self, what):
        """A note on the customers of these communications: ``what`` happened to
        each, one line per communication."""
        lines = defaultdict(list)
        for communication in self:
            lines[communication.partner_id.id].append(
                Markup("%s %s")
                % (
                    self.env._(
                        "%(level)s, %(amount)s due: %(what)s.",
                        level=communication.level_id.name,
                        amount=communication._format_total(),
                        what=what(communication),
                    ),
                    communication._get_html_link(),
                )
            )
        self.env["res.partner"]._credit_log_contacts(
            {partner: Markup("<br/>").join(texts) for partner, texts in lines.items()}
        )

    def _credit_log_sent(self):
        """What the run did, on the customers' chatter."""
        states = dict(self._fields["state"]._description_selection(self.env))
        self._credit_log_on_customer(
            lambda c: ", ".join(
                filter(None, [c.level_id._credit_action_summary(), states[c.state]])
            )
        )

    def _message_post_after_hook(self, message, msg_values):
        """An email written on a communication shows on its customer too."""
        result = super()._message_post_after_hook(message, msg_values)
        subtype = message.subtype_id
        if subtype and not subtype.internal and message.message_type != "notification":
            self._credit_log_on_customer(
                lambda _c: self.env._(
                    "email sent, %(subject)s",
                    subject=message.subject or message.record_name or "",
                )
            )
        return result

    # Letters

    def action_print_letter(self):
        """The letters of these communications, as one PDF."""
        self._check_controller()
        letters = self.filtered("print_letter")
        if not letters:
            raise UserError(self.env._("None of these communications is a letter."))
        letters.filtered(lambda c: not c.letter_printed)._credit_log_on_customer(
            lambda _c: self.env._("letter printed")
        )
        letters.sudo().write({"letter_printed": True})
        letters.sudo().filtered(lambda c: c.state == "draft").write(
            {"state": "printed"}
        )
        return self.env.ref(
            "credit_control.action_report_credit_dunning"
        ).report_action(letters)

    # Actions of the level

    def _invoice_charges(self, planned):
        """A posted customer invoice of the fee and the interest, when there are
        some; the invoices' interest is then charged up to the run's day."""
        self.ensure_one()
        policy = self.level_id.policy_id
        charges = [
            (self.env._("Dunning fee (%(level)s)", level=self.level_id.name), self.fee),
            (self.env._("Late interest"), self.interest),
        ]
        lines = [
            Command.create(
                {
                    "product_id": policy.dunning_product_id.id,
                    "name": name,
                    "quantity": 1.0,
                    "price_unit": amount,
                }
            )
            for name, amount in charges
            if not self.currency_id.is_zero(amount)
        ]
        if not lines:
            return
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "currency_id": self.currency_id.id,
                    "company_id": self.company_id.id,
                    "invoice_date": self.date,
                    "invoice_origin": self.display_name,
                    "invoice_line_ids": lines,
                }
            )
        )
        move.action_post()
        self.charge_move_id = move
        if not self.currency_id.is_zero(self.interest):
            moves = (
                self.env["account.move"]
                .sudo()
                .browse([line.item.key[1] for line in planned.lines])
            )
            moves._credit_write_dunning({"credit_interest_until": self.date})

    def _schedule_calls(self):
        """A phone call for each customer of these communications, given to its
        collector and written in the collector's language; in one create."""
        call = self.env.ref("mail.mail_activity_data_call")
        model_id = self.env["ir.model"]._get_id("res.partner")
        values = []
        for communication in self:
            partner = communication.partner_id.with_company(communication.company_id)
            user = partner._credit_dunning_collector()
            env = self.with_context(lang=user.lang).env
            values.append(
                {
                    "activity_type_id": call.id,
                    "summary": env._("Call about overdue invoices"),
                    "note": env._(
                        "%(level)s: %(amount)s overdue, see %(communication)s.",
                        level=communication.level_id.with_env(env).name,
                        amount=communication._format_total(),
                        communication=communication.display_name,
                    ),
                    "automated": True,
                    "date_deadline": communication.date,
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "user_id": user.id,
                }
            )
        self.env["mail.activity"].sudo().create(values)

    def _format_total(self):
        self.ensure_one()
        return self.currency_id.format(self.total)

    def _place_hold(self):
        self.ensure_one()
        self.env["credit.block"].sudo()._place(
            self.partner_id,
            self.company_id,
            "dunning",
            self.env._(
                "Dunning level %(level)s reached with %(amount)s overdue.",
                level=self.level_id.name,
                amount=self._format_total(),
            ),
        )

    def _escalate(self):
        self.ensure_one()
        level = self.level_id
        self.partner_id.with_company(
            self.company_id
        ).sudo().credit_escalation = level.escalation

        def note(env):
            label = dict(level._fields["escalation"]._description_selection(env))
            return env._(
                "%(customer)s reached the dunning level %(level)s: hand the "
                "overdue invoices (%(amount)s) over to %(escalation)s.",
                customer=self.partner_id.display_name,
                level=level.with_env(env).name,
                amount=self._format_total(),
                escalation=label[level.escalation],
            )

        self.company_id._credit_schedule_review(self.partner_id, note)
