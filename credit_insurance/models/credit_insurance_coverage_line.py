import json

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import coverage, coverage_xlsx
from .credit_insurance_cover import COVER_STATES

SOURCES = [
    (coverage.INSURER, "Insurer's cover"),
    (coverage.SELF_ASSESSED, "Discretionary limit"),
]
# The columns of the XLSX: a field of the line and its kind.
COLUMNS = (
    ("partner_id", coverage_xlsx.TEXT),
    ("insurer_reference", coverage_xlsx.TEXT),
    ("cover", coverage_xlsx.MONEY),
    ("date_expiry", coverage_xlsx.DATE),
    ("exposure", coverage_xlsx.MONEY),
    ("insurable", coverage_xlsx.MONEY),
    ("covered", coverage_xlsx.MONEY),
    ("uninsured", coverage_xlsx.MONEY),
    ("overdue", coverage_xlsx.MONEY),
    ("overdue_days", coverage_xlsx.INTEGER),
    ("utilisation", coverage_xlsx.PERCENT),
    ("stop_delivery", coverage_xlsx.DATE),
    ("status", coverage_xlsx.TEXT),
)


class CreditInsuranceCoverageLine(models.Model):
    """One insured buyer of a coverage report, with its figures when the report was
    generated.  Written in one statement by the report, never edited."""

    _name = "credit.insurance.coverage.line"
    _description = "Credit Insurance Coverage Report Line"
    _order = "report_id, id"
    _log_access = False

    report_id = fields.Many2one(
        "credit.insurance.coverage.report",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="report_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one(related="report_id.policy_id")
    date = fields.Date(related="report_id.date")
    partner_id = fields.Many2one("res.partner", string="Buyer", required=True)
    insurer_reference = fields.Char(string="Insurer's Reference")
    cover_id = fields.Many2one("credit.insurance.cover", string="Cover Record")
    date_expiry = fields.Date(string="Expiry Date")
    status = fields.Selection(COVER_STATES, string="Cover Status")
    source = fields.Selection(SOURCES, string="Insured By")
    insured_pct = fields.Float(string="Insured (%)", aggregator="avg")
    cover = fields.Monetary(string="Approved Cover")
    exposure = fields.Monetary()
    insurable = fields.Monetary()
    covered = fields.Monetary()
    uninsured = fields.Monetary()
    overdue = fields.Monetary()
    overdue_days = fields.Integer(string="Days Overdue", aggregator="max")
    utilisation = fields.Float(string="Cover Utilisation (%)", aggregator="avg")
    stop_delivery = fields.Date(string="Stop-Delivery Date")

    @api.model
    def _replace(self, report, values):
        """Replace the lines of ``report`` by ``values`` (dicts of the same columns)
        in one statement, ordered by buyer name, the amounts rounded in the report's
        currency; return the number of lines and the sum of each amount."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM credit_insurance_coverage_line WHERE report_id = %s",
                report.id,
            )
        )
        amounts = [
            name for name, field in self._fields.items() if field.type == "monetary"
        ]
        if values:
            names = list(values[0])
            rounding = report.currency_id.rounding
            cr.execute(
                SQL(
                    """INSERT INTO credit_insurance_coverage_line (%s)
                       SELECT %s FROM json_populate_recordset(
                                NULL::credit_insurance_coverage_line, %s) AS line
                         JOIN res_partner buyer ON buyer.id = line.partner_id
                        ORDER BY buyer.name, buyer.id""",
                    SQL(", ").join(SQL.identifier(name) for name in names),
                    SQL(", ").join(
                        SQL(
                            "ROUND(%s / %s) * %s",
                            SQL.identifier("line", name),
                            rounding,
                            rounding,
                        )
                        if name in amounts
                        else SQL.identifier("line", name)
                        for name in names
                    ),
                    # JSON, which the C encoder writes much faster than psycopg2
                    # adapts the values one by one
                    json.dumps(values, default=str),
                )
            )
        self.invalidate_model()
        report.invalidate_recordset(["line_ids"])
        cr.execute(
            SQL(
                "SELECT COUNT(*), %s FROM credit_insurance_coverage_line"
                " WHERE report_id = %s",
                SQL(", ").join(
                    SQL("COALESCE(SUM(%s), 0)", SQL.identifier(name))
                    for name in amounts
                ),
                report.id,
            )
        )
        count, *sums = cr.fetchone()
        return count, dict(zip(amounts, sums, strict=True))

    @api.model
    def _xlsx_columns(self):
        """``(title, kind)`` of the columns of the XLSX."""
        return [
            (self._fields[name]._description_string(self.env), kind)
            for name, kind in COLUMNS
        ]

    def _xlsx_rows(self):
        """A tuple of plain values per line, in the order of the columns: read in
        one query, the buyer by its name and the status by its label."""
        statuses = dict(self._fields["status"]._description_selection(self.env))
        self.env.cr.execute(
            SQL(
                """SELECT %s FROM credit_insurance_coverage_line line
                     JOIN res_partner buyer ON buyer.id = line.partner_id
                    WHERE line.id = ANY(%s)
                    ORDER BY line.report_id, line.id""",
                SQL(", ").join(
                    SQL.identifier("buyer", "complete_name")
                    if name == "partner_id"
                    else SQL.identifier("line", name)
                    for name, _kind in COLUMNS
                ),
                self.ids,
            )
        )
        status = [name for name, _kind in COLUMNS].index("status")
        return [
            (*row[:status], statuses.get(row[status], ""), *row[status + 1 :])
            for row in self.env.cr.fetchall()
        ]
