from odoo import fields, models

from odoo.addons.credit_control.models.res_partner import CREDIT_READERS
from odoo.addons.credit_control.tools import user_today

from ..lib import coverage


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_insured = fields.Boolean(
        string="Insured", compute="_compute_credit_preview", groups=CREDIT_READERS
    )
    credit_insured_amount = fields.Monetary(
        string="Insured Amount",
        compute="_compute_credit_preview",
        currency_field="credit_currency_id",
        groups=CREDIT_READERS,
        help="The part of this order the insurer would pay if the customer did not.",
    )
    credit_insurance_note = fields.Char(
        string="Insurance", compute="_compute_credit_preview", groups=CREDIT_READERS
    )

    def _credit_order_facts(self):
        """The untaxed amount and the days of the payment terms, for the insurer's
        rules."""
        facts = super()._credit_order_facts()
        company = self.company_id
        today = user_today(self)
        term_lines = self.payment_term_id.line_ids
        return dict(
            facts,
            amount_untaxed=self.currency_id._convert(
                self.amount_untaxed, company.currency_id, company, today
            ),
            payment_days=max(
                ((line._get_due_date(today) - today).days for line in term_lines),
                default=0,
            ),
        )

    def _credit_preview_values(self, check, reasons):
        values = super()._credit_preview_values(check, reasons)
        values.update(
            credit_insured=False, credit_insured_amount=0.0, credit_insurance_note=False
        )
        terms = check and check.exposure.profile.get(coverage.TERMS_KEY)
        if not terms:
            return values
        amount = (
            check.order_amount
            if terms.tax_included
            else check.order.get("amount_untaxed", check.order_amount)
        )
        before = coverage.coverage(check.exposure, terms, check.today)
        after = coverage.coverage(check.exposure, terms, check.today, amount)
        insured = max(after.covered - before.covered, 0.0)
        currency = self.company_id.currency_id
        values["credit_insured"] = currency.compare_amounts(insured, 0.0) > 0
        values["credit_insured_amount"] = currency.round(insured)
        if values["credit_insured"]:
            values["credit_insurance_note"] = self.env._(
                "Insured: the insurer covers %(pct)s %% of this order up to the "
                "cover of %(cover)s.",
                pct=round(after.insured_pct, 2),
                cover=currency.format(after.cover),
            )
        elif not after.source:
            values["credit_insurance_note"] = self.env._(
                "Not insured: this customer has no insurance cover in force."
            )
        else:
            values["credit_insurance_note"] = self.env._(
                "Not insured: the customer's insurance cover is used up."
            )
        return values
