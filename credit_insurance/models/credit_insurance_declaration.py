import csv
import io

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..lib import periods
from .credit_insurance_cover_line import DECISION_IN_FORCE_SQL

# The buyers a policy insures on ``%(day)s``: a cover under the policy in force then,
# approved or partly approved, with its amount and the insurer's reference.
_INSURED_SQL = """
SELECT DISTINCT ON (cover.partner_id)
       cover.partner_id, cover.insurer_reference, decision.amount AS cover
  FROM credit_insurance_cover cover
  JOIN LATERAL (%(decision_in_force)s) decision ON TRUE
 WHERE cover.policy_id = %(policy_id)s
   AND cover.state <> 'draft'
   AND cover.date_effective <= %(day)s
   AND (cover.date_expiry IS NULL OR cover.date_expiry >= %(day)s)
   AND decision.state IN ('approved', 'partial')
 ORDER BY cover.partner_id, cover.date_effective DESC, cover.id DESC
"""

# Turnover of the period with each insured buyer: invoices minus credit notes,
# without tax, in company currency.
_TURNOVER_SQL = """
SELECT insured.partner_id, insured.insurer_reference,
       COALESCE(SUM(move.amount_untaxed_signed), 0)
  FROM (%(insured)s) insured
  JOIN account_move move ON move.commercial_partner_id = insured.partner_id
 WHERE move.move_type IN ('out_invoice', 'out_refund')
   AND move.state = 'posted'
   AND move.invoice_date BETWEEN %(date_from)s AND %(date_to)s
   AND move.company_id = ANY(%(company_ids)s)
 GROUP BY 1, 2
"""

# Each insured buyer's insured balance at the end of the period: what was still due
# then of its insurable invoices (within the policy's terms, not disputed), without
# tax, no more than its cover.
_BALANCE_SQL = """
SELECT insured.partner_id, insured.insurer_reference,
       LEAST(SUM((aml.balance - COALESCE(paid.amount, 0))
                 * COALESCE(move.amount_untaxed_signed
                            / NULLIF(move.amount_total_signed, 0), 1)),
             MIN(insured.cover))
  FROM (%(insured)s) insured
  JOIN res_partner member ON member.commercial_partner_id = insured.partner_id
  JOIN account_move_line aml ON aml.partner_id = member.id
  JOIN account_move move ON move.id = aml.move_id
  LEFT JOIN LATERAL (
       SELECT SUM(partial.amount) AS amount
         FROM account_partial_reconcile partial
        WHERE partial.debit_move_id = aml.id
          AND partial.max_date <= %(date_to)s) paid ON TRUE
 WHERE aml.account_id = ANY(ARRAY(SELECT id FROM account_account
                                   WHERE account_type = 'asset_receivable'))
   AND aml.parent_state = 'posted'
   AND aml.balance > 0
   AND aml.date <= %(date_to)s
   AND aml.company_id = ANY(%(company_ids)s)
   AND move.move_type = 'out_invoice'
   AND move.credit_disputed IS NOT TRUE
   AND (%(max_days)s = 0
        OR aml.date_maturity - COALESCE(move.invoice_date, move.date) <= %(max_days)s)
   AND (aml.reconciled IS NOT TRUE OR EXISTS (
        SELECT 1 FROM account_partial_reconcile later
         WHERE later.debit_move_id = aml.id AND later.max_date > %(date_to)s))
 GROUP BY 1, 2
"""

# Column order of the insurer's declaration form.
EXPORT_COLUMNS = (
    "policy_number",
    "insurer_reference",
    "buyer",
    "vat",
    "country",
    "scope",
    "amount",
    "currency",
)


class CreditInsuranceDeclaration(models.Model):
    """What a policy's premium is computed on for one period, as declared to the
    insurer: insured turnover or month-end insured balance, per buyer."""

    _name = "credit.insurance.declaration"
    _description = "Credit Insurance Declaration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    policy_id = fields.Many2one(
        "credit.insurance.policy", required=True, index=True, check_company=True
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="policy_id.currency_id", store=True)
    basis = fields.Selection(related="policy_id.premium_basis", store=True)
    date_from = fields.Date(string="Period Start", required=True)
    date_to = fields.Date(string="Period End", required=True)
    date_deadline = fields.Date(
        string="Deadline", compute="_compute_deadline", store=True
    )
    state = fields.Selection(
        [("draft", "Draft"), ("submitted", "Submitted")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    date_submitted = fields.Date(readonly=True, copy=False)
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    line_ids = fields.One2many(
        "credit.insurance.declaration.line", "declaration_id", string="Buyers"
    )
    amount_domestic = fields.Monetary(string="Domestic", readonly=True)
    amount_export = fields.Monetary(string="Export", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    premium = fields.Monetary(string="Premium Estimate", readonly=True)

    @api.depends("policy_id", "date_from")
    def _compute_name(self):
        for declaration in self:
            frequency = declaration.policy_id.declaration_frequency or "monthly"
            declaration.name = declaration.date_from and " ".join(
                (
                    declaration.policy_id.number or declaration.policy_id.name or "",
                    periods.period_name(declaration.date_from, frequency),
                )
            )

    @api.depends("date_to", "policy_id.declaration_deadline_days")
    def _compute_deadline(self):
        for declaration in self:
            declaration.date_deadline = declaration.date_to and periods.deadline(
                declaration.date_to, declaration.policy_id.declaration_deadline_days
            )

    @api.constrains("policy_id", "date_from", "date_to")
    def _check_period(self):
        for declaration in self:
            if declaration.date_to < declaration.date_from:
                raise ValidationError(
                    self.env._("A period cannot end before it starts.")
                )
            other = self.search(
                [
                    ("id", "!=", declaration.id),
                    ("policy_id", "=", declaration.policy_id.id),
                    ("date_from", "<=", declaration.date_to),
                    ("date_to", ">=", declaration.date_from),
                ],
                limit=1,
            )
            if other:
                states = dict(other._fields["state"]._description_selection(self.env))
                raise ValidationError(
                    self.env._(
                        "%(policy)s already has the declaration %(name)s (%(state)s) "
                        "for this period.",
                        policy=declaration.policy_id.display_name,
                        name=other.name,
                        state=states[other.state],
                    )
                )

    @api.model
    def _prepare_for(self, policy, day):
        """The declaration of ``policy`` for the last period ended before ``day``,
        generated; an existing draft is regenerated, a submitted one left alone."""
        start, end = periods.previous_period(day, policy.declaration_frequency)
        declaration = self.search(
            [("policy_id", "=", policy.id), ("date_from", "=", start)]
        )
        if not declaration:
            declaration = self.create(
                {"policy_id": policy.id, "date_from": start, "date_to": end}
            )
        if declaration.state == "draft":
            declaration._generate()
        return declaration

    def action_generate(self):
        self._generate()
        return True

    def _generate(self):
        """Replace the lines of a draft by the figures of its period."""
        self.check_access("write")
        for declaration in self:
            if declaration.state != "draft":
                raise UserError(
                    self.env._(
                        "%(name)s was submitted to the insurer: it cannot change.",
                        name=declaration.name,
                    )
                )
            declaration._fill()

    def _fill(self):
        policy = self.policy_id
        company = self.company_id
        params = {
            "policy_id": policy.id,
            "day": self.date_to,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "max_days": policy.max_credit_days,
            "company_ids": SQL(
                "ARRAY(SELECT id FROM res_company WHERE parent_path LIKE %s)",
                f"{company.root_id.id}/%",
            ),
        }
        params["decision_in_force"] = SQL(DECISION_IN_FORCE_SQL, day=self.date_to)
        params["insured"] = SQL(_INSURED_SQL, **params)
        query = _TURNOVER_SQL if self.basis == "turnover" else _BALANCE_SQL
        to_policy = company.currency_id._get_conversion_rate(
            company.currency_id, self.currency_id, company, self.date_to
        )
        rounding = self.currency_id.rounding
        home = company.partner_id.country_id.id
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM credit_insurance_declaration_line"
                " WHERE declaration_id = %s",
                self.id,
            )
        )
        # The lines in one statement: a declaration has a line per insured buyer.
        cr.execute(
            SQL(
                """INSERT INTO credit_insurance_declaration_line
                       (declaration_id, company_id, partner_id, insurer_reference,
                        country_id, scope, amount,
                        create_uid, create_date, write_uid, write_date)
                   SELECT %(declaration)s, %(company)s, figures.partner_id,
                          figures.reference, buyer.country_id,
                          CASE WHEN %(home)s <> 0 AND buyer.country_id <> %(home)s
                               THEN 'export' ELSE 'domestic' END,
                          ROUND(COALESCE(figures.amount, 0)::numeric * %(rate)s
                                / %(rounding)s) * %(rounding)s,
                          %(uid)s, now() AT TIME ZONE 'UTC',
                          %(uid)s, now() AT TIME ZONE 'UTC'
                     FROM (%(query)s) AS figures(partner_id, reference, amount)
                     JOIN res_partner buyer ON buyer.id = figures.partner_id""",
                declaration=self.id,
                company=company.id,
                home=home or 0,
                rate=to_policy,
                rounding=rounding,
                uid=self.env.uid,
                query=SQL(query, **params),
            )
        )
        cr.execute(
            SQL(
                """SELECT COALESCE(SUM(amount) FILTER (WHERE scope = 'domestic'), 0),
                          COALESCE(SUM(amount) FILTER (WHERE scope = 'export'), 0)
                     FROM credit_insurance_declaration_line
                    WHERE declaration_id = %s""",
                self.id,
            )
        )
        domestic, export = cr.fetchone()
        self.env["credit.insurance.declaration.line"].invalidate_model()
        self.invalidate_recordset(["line_ids"])
        self.sudo().write(
            {
                "amount_domestic": domestic,
                "amount_export": export,
                "amount_total": domestic + export,
                "premium": self.currency_id.round(
                    periods.premium(domestic + export, policy.premium_rate)
                ),
            }
        )

    def action_submit(self):
        """The declaration went to the insurer: freeze it."""
        self.check_access("write")
        if any(declaration.state != "draft" for declaration in self):
            raise UserError(self.env._("This declaration was already submitted."))
        self.sudo().write(
            {
                "state": "submitted",
                "date_submitted": fields.Date.context_today(self),
                "submitted_by_id": self.env.uid,
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def write(self, vals):
        frozen = {"line_ids", "amount_total", "amount_domestic", "amount_export"}
        if frozen.union({"policy_id", "date_from", "date_to", "premium"}).intersection(
            vals
        ) and any(declaration.state == "submitted" for declaration in self):
            raise UserError(self.env._("A submitted declaration cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(declaration.state == "submitted" for declaration in self):
            raise UserError(self.env._("A submitted declaration is kept."))

    # Exports in the insurer's column order

    def _export_rows(self):
        self.ensure_one()
        labels = dict(
            self.env["credit.insurance.declaration.line"]
            ._fields["scope"]
            ._description_selection(self.env)
        )
        for line in self.line_ids:
            yield (
                self.policy_id.number or "",
                line.insurer_reference or "",
                line.partner_id.name,
                line.partner_id.vat or "",
                line.country_id.code or "",
                labels[line.scope],
                line.amount,
                self.currency_id.name,
            )

    def _export_headers(self):
        return (
            self.env._("Policy Number"),
            self.env._("Insurer's Buyer Reference"),
            self.env._("Buyer"),
            self.env._("Tax ID"),
            self.env._("Country"),
            self.env._("Domestic / Export"),
            self.env._("Amount"),
            self.env._("Currency"),
        )

    def _csv_content(self):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self._export_headers())
        writer.writerows(self._export_rows())
        return out.getvalue().encode("utf-8-sig")

    def _xlsx_content(self):
        out = io.BytesIO()
        workbook = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = workbook.add_worksheet(self.name[:31])
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write_row(0, 0, self._export_headers(), bold)
        for row, values in enumerate(self._export_rows(), start=1):
            sheet.write_row(row, 0, values[:6])
            sheet.write_number(row, 6, values[6], money)
            sheet.write(row, 7, values[7])
        workbook.close()
        return out.getvalue()

    def action_export_xlsx(self):
        return self._download(f"{self.name}.xlsx", self._xlsx_content())

    def action_export_csv(self):
        return self._download(f"{self.name}.csv", self._csv_content())

    def _download(self, name, content):
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    # Scheduled preparation

    @api.model
    def _cron_prepare(self):
        """Prepare the declaration of the period just ended of every policy in
        force, and give its responsible a to-do due on the deadline."""
        today = fields.Date.context_today(self)
        policies = self.env["credit.insurance.policy"].search(
            [
                ("date_start", "<=", today),
                "|",
                ("date_end", "=", False),
                ("date_end", ">=", today),
            ]
        )
        for policy in policies:
            declaration = self._prepare_for(policy, today)
            if declaration.state == "draft" and not declaration.activity_ids:
                user = policy.user_id or self.env.user
                declaration.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=declaration.date_deadline,
                    user_id=user.id,
                    summary=self.with_context(lang=user.lang).env._(
                        "Submit the declaration to the insurer"
                    ),
                )
