from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import SQL, format_list

from ..lib import coverage, coverage_xlsx

CONTROLLER_GROUP = "credit_control.group_credit_controller"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The money columns of a line that the report totals.
TOTALS = ("cover", "exposure", "insurable", "covered", "uninsured", "overdue")
# Per buyer, its latest cover under the policy that is not a draft and is effective
# on the day: the one the exposure query takes.
_LATEST_COVERS_SQL = """
SELECT DISTINCT ON (partner_id) partner_id, id, insurer_reference, date_expiry
  FROM credit_insurance_cover
 WHERE policy_id = %s AND state <> 'draft' AND date_effective <= %s
 ORDER BY partner_id, date_effective DESC, id DESC
"""


class CreditInsuranceCoverageReport(models.Model):
    """What a policy insures of each of its buyers on a day, as the insurer wants it:
    a snapshot taken when generated and kept as it was."""

    _name = "credit.insurance.coverage.report"
    _description = "Credit Insurance Coverage Report"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    policy_id = fields.Many2one(
        "credit.insurance.policy",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        related="policy_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    insurer_id = fields.Many2one(related="policy_id.insurer_id")
    date = fields.Date(
        required=True,
        readonly=True,
        default=fields.Date.context_today,
        help="The day the figures were taken.",
    )
    line_ids = fields.One2many(
        "credit.insurance.coverage.line", "report_id", string="Buyers", readonly=True
    )
    line_count = fields.Integer(string="Insured Buyers", readonly=True)
    total_cover = fields.Monetary(string="Approved Cover", readonly=True)
    total_exposure = fields.Monetary(string="Exposure", readonly=True)
    total_insurable = fields.Monetary(string="Insurable", readonly=True)
    total_covered = fields.Monetary(string="Covered", readonly=True)
    total_uninsured = fields.Monetary(string="Uninsured", readonly=True)
    total_overdue = fields.Monetary(string="Overdue", readonly=True)
    sent_at = fields.Datetime(string="Last Sent", readonly=True, copy=False)

    @api.depends("policy_id.name", "date")
    def _compute_name(self):
        for report in self:
            report.name = " - ".join(
                part
                for part in (report.policy_id.name, fields.Date.to_string(report.date))
                if part
            )

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports._generate()
        return reports

    @api.model
    def _create_for(self, policy):
        """A report of ``policy``'s buyers as they are now."""
        return self.create({"policy_id": policy.id})

    # Generation

    def _generate(self):
        """Replace the lines of each report by its policy's insured buyers as they
        are now, in one statement, and total them."""
        Line = self.env["credit.insurance.coverage.line"]
        for report in self:
            today = fields.Date.context_today(report)
            values = report._coverage_values(today)
            count, sums = Line._replace(report, values)
            report.write(
                {
                    "date": today,
                    "line_count": count,
                    **{f"total_{name}": sums[name] for name in TOTALS},
                }
            )

    def _coverage_values(self, today):
        """The values of the lines: the buyers of the policy with a cover under it,
        or insured by its discretionary limit and owing something."""
        self.ensure_one()
        policy, company = self.policy_id, self.company_id
        Exposure = self.env["credit.exposure"].sudo()
        exposures = {
            partner_id: exposure
            for partner_id, exposure in Exposure._compute_exposures(company).items()
            if int(exposure.profile.get(coverage.POLICY_ID) or 0) == policy.id
        }
        self.env.cr.execute(SQL(_LATEST_COVERS_SQL, policy.id, today))
        covers = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        # the exposures as their policies count them (their limits not needed)
        counted = Exposure._credit_counted(company, exposures)
        values = []
        for partner_id, (_policy, figures) in counted.items():
            total = figures.total
            found = coverage.coverage(
                figures, figures.profile[coverage.TERMS_KEY], today, total=total
            )
            cover_id, reference, expiry = covers.get(partner_id, (None, None, None))
            stop = found.stop_delivery
            owes = total or found.insurable
            if not (cover_id or found.status or (found.source and owes)):
                continue
            values.append(
                {
                    "report_id": self.id,
                    "company_id": company.id,
                    "partner_id": partner_id,
                    "cover_id": cover_id,
                    "insurer_reference": reference or None,
                    # dates as text: the JSON encoder calls back for a date
                    "date_expiry": expiry and expiry.isoformat(),
                    "status": found.status or None,
                    "source": found.source or None,
                    "insured_pct": found.insured_pct,
                    "cover": found.cover,
                    "exposure": total,
                    "insurable": found.insurable,
                    "covered": found.covered,
                    "uninsured": found.uninsured,
                    "overdue": figures.overdue,
                    "overdue_days": figures.overdue_days(today),
                    "utilisation": round(found.utilisation, 2),
                    "stop_delivery": stop and stop.isoformat(),
                }
            )
        return values

    # Actions

    def _check_controller(self):
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._(
                    "Only a Credit Controller can generate or send a coverage report."
                )
            )
        self.check_access("write")

    def action_regenerate(self):
        """Take the figures again, as they are now."""
        self._check_controller()
        self._generate()
        return True

    def action_open_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_insurance.credit_insurance_coverage_line_action"
        )
        action["domain"] = [("report_id", "=", self.id)]
        action["display_name"] = self.name
        return action

    def action_print_pdf(self):
        return self.env.ref("credit_insurance.action_report_coverage").report_action(
            self
        )

    def action_download_xlsx(self):
        self.ensure_one()
        attachment = self._xlsx_attachment()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_send(self):
        """Send the report to the policy's recipients, the PDF and the XLSX
        attached."""
        self._check_controller()
        self._send()
        return True

    def _send(self):
        template = self.env.ref("credit_insurance.mail_template_coverage_report")
        for report in self:
            partners = report.policy_id.report_partner_ids
            if not partners:
                raise UserError(
                    self.env._(
                        "Give the policy %(policy)s the addresses to send its "
                        "coverage report to.",
                        policy=report.policy_id.display_name,
                    )
                )
            attachment = report._xlsx_attachment()
            template.send_mail(
                report.id,
                email_values={"attachment_ids": [Command.link(attachment.id)]},
            )
            report.sent_at = fields.Datetime.now()
            report.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "Coverage report sent to %(recipients)s.",
                    recipients=format_list(self.env, partners.mapped("display_name")),
                )
            )

    @api.model
    def _cron_monthly(self):
        """Generate and send the report of every policy in force that has recipients,
        once a day at most, committing after each policy when run by the cron."""
        today = fields.Date.context_today(self)
        policies = (
            self.env["credit.insurance.policy"]
            .sudo()
            .search(
                [
                    ("report_partner_ids", "!=", False),
                    ("date_start", "<=", today),
                    "|",
                    ("date_end", "=", False),
                    ("date_end", ">=", today),
                ]
            )
        )
        policies -= (
            self.sudo()
            .search(
                [
                    ("policy_id", "in", policies.ids),
                    ("date", "=", today),
                    ("sent_at", "!=", False),
                ]
            )
            .policy_id
        )
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        if in_cron:
            self.env["ir.cron"]._commit_progress(remaining=len(policies))
        for count, policy in enumerate(policies, start=1):
            report = self.sudo().with_company(policy.company_id)._create_for(policy)
            report._send()
            if in_cron and not self.env["ir.cron"]._commit_progress(
                processed=1, remaining=len(policies) - count
            ):
                break

    # XLSX

    def _xlsx_attachment(self):
        self.ensure_one()
        self.check_access("read")
        name = f"Coverage {self.policy_id.name} {fields.Date.to_string(self.date)}"
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"{name}.xlsx",
                    "raw": self._xlsx_content(),
                    "res_model": self._name,
                    "res_id": self.id,
                    "mimetype": XLSX_MIMETYPE,
                }
            )
        )

    def _xlsx_content(self):
        """The report as an XLSX workbook (bytes)."""
        self.ensure_one()
        policy = self.policy_id
        lines = self.line_ids
        return coverage_xlsx.workbook(
            self.env._("Coverage"),
            [
                (self.env._("Insurer"), policy.insurer_id.display_name),
                (self.env._("Policy"), policy.name),
                (self.env._("Policy Number"), policy.number or ""),
                (self.env._("Company"), self.company_id.name),
                (self.env._("Date"), self.date),
                (self.env._("Currency"), self.currency_id.name),
            ],
            lines._xlsx_columns(),
            lines._xlsx_rows(),
            self.env._("Total"),
            decimals=self.currency_id.decimal_places,
        )
