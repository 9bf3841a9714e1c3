from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..lib import coverage
from .credit_insurance_overdue import CONTROLLER_GROUP


class CreditInsuranceClaim(models.Model):
    """A claim for the loss on a buyer's notified overdue invoices."""

    _name = "credit.insurance.claim"
    _description = "Credit Insurance Claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default="/")
    policy_id = fields.Many2one(
        "credit.insurance.policy", required=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    insurer_id = fields.Many2one(related="policy_id.insurer_id")
    partner_id = fields.Many2one("res.partner", string="Buyer", readonly=True)
    overdue_ids = fields.One2many(
        "credit.insurance.overdue", "claim_id", string="Notified Invoices"
    )
    move_ids = fields.Many2many(
        "account.move", string="Invoices", compute="_compute_move_ids"
    )
    date_loss = fields.Date(string="Date of Loss", readonly=True)
    amount_outstanding = fields.Monetary(string="Outstanding", readonly=True)
    cover = fields.Monetary(readonly=True)
    insured_pct = fields.Float(string="Insured (%)", readonly=True)
    amount_claimed = fields.Monetary(readonly=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("filed", "Filed"),
            ("accepted", "Accepted"),
            ("paid", "Paid"),
            ("rejected", "Rejected"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_filed = fields.Date(readonly=True)
    insurer_reference = fields.Char(string="Insurer's Claim Reference", tracking=True)
    amount_indemnity = fields.Monetary(string="Indemnity", tracking=True)
    date_indemnity = fields.Date(string="Indemnity Date")
    payment_id = fields.Many2one("account.payment", readonly=True, copy=False)
    recovery_ids = fields.One2many(
        "credit.insurance.recovery", "claim_id", string="Recoveries"
    )
    amount_recovered = fields.Monetary(compute="_compute_recoveries", store=True)
    amount_insurer_share = fields.Monetary(
        string="Insurer's Share", compute="_compute_recoveries", store=True
    )

    @api.depends("overdue_ids")
    def _compute_move_ids(self):
        for claim in self:
            claim.move_ids = claim.overdue_ids.move_id

    @api.depends("recovery_ids.amount", "recovery_ids.insurer_share")
    def _compute_recoveries(self):
        for claim in self:
            claim.amount_recovered = sum(claim.recovery_ids.mapped("amount"))
            claim.amount_insurer_share = sum(claim.recovery_ids.mapped("insurer_share"))

    @api.constrains("amount_indemnity")
    def _check_indemnity(self):
        if any(claim.amount_indemnity < 0 for claim in self):
            raise ValidationError(self.env._("An indemnity cannot be negative."))

    def _check_controller(self):
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller prepares and files claims.")
            )

    @api.model
    def _prepare_from(self, overdues):
        """A draft claim for ``overdues``, notified invoices of one buyer under one
        policy: the insured part of what is still due on them, up to the cover."""
        if not overdues:
            raise UserError(self.env._("Select the notified invoices to claim."))
        if len(overdues.partner_id) > 1 or len(overdues.policy_id) > 1:
            raise UserError(self.env._("A claim is for one buyer under one policy."))
        if any(o.state != "notified" or o.claim_id for o in overdues):
            raise UserError(
                self.env._("Only notified invoices not claimed yet can be claimed.")
            )
        overdues.check_access("write")
        policy, buyer = overdues.policy_id, overdues.partner_id
        figures = buyer.sudo().with_company(policy.company_id)
        outstanding = sum(overdues.mapped("amount_residual"))
        pct = figures.credit_insured_pct or policy.insured_pct
        claim = self.sudo().create(
            {
                "name": self.env["ir.sequence"]
                .sudo()
                .with_company(policy.company_id)
                .next_by_code("credit.insurance.claim"),
                "policy_id": policy.id,
                "partner_id": buyer.id,
                "date_loss": min(overdues.mapped("date_due")),
                "amount_outstanding": outstanding,
                "cover": figures.credit_insurance_cover,
                "insured_pct": pct,
                "amount_claimed": policy.company_id.currency_id.round(
                    coverage.claim_amount(
                        outstanding, figures.credit_insurance_cover, pct
                    )
                ),
            }
        )
        overdues.sudo().write({"claim_id": claim.id, "state": "claimed"})
        return claim.sudo(False)

    def action_attach_documents(self):
        """Attach the claimed invoices as PDF, the evidence the insurer asks for."""
        self.ensure_one()
        self._check_controller()
        content, _kind = self.env["ir.actions.report"]._render_qweb_pdf(
            "account.account_invoices", self.move_ids.ids
        )
        self.message_post(
            body=self.env._("Invoices attached for the claim."),
            attachments=[(f"{self.name} - invoices.pdf", content)],
        )
        return True

    def _advance(self, starts, state, **values):
        self._check_controller()
        self.check_access("write")
        if any(claim.state not in starts for claim in self):
            raise UserError(self.env._("This step does not apply to this claim."))
        self.sudo().write(dict(values, state=state))
        return True

    def action_file(self):
        return self._advance(
            ("draft",), "filed", date_filed=fields.Date.context_today(self)
        )

    def action_accept(self):
        return self._advance(("filed",), "accepted")

    def action_reject(self):
        return self._advance(("filed", "accepted"), "rejected")

    def action_book_indemnity(self):
        """Book the indemnity received as a payment from the insurer."""
        self.ensure_one()
        self._check_controller()
        journal = self.policy_id.indemnity_journal_id
        if not journal:
            raise UserError(
                self.env._("Set the journal of indemnities on the insurance policy.")
            )
        if self.currency_id.compare_amounts(self.amount_indemnity, 0) <= 0:
            raise UserError(self.env._("Give the indemnity received."))
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.insurer_id.id,
                    "amount": self.amount_indemnity,
                    "currency_id": self.currency_id.id,
                    "date": self.date_indemnity or fields.Date.context_today(self),
                    "journal_id": journal.id,
                    "memo": self.name,
                }
            )
        )
        payment.action_post()
        return self._advance(("accepted",), "paid", payment_id=payment.id)
