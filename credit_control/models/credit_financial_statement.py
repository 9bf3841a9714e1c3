from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount

from ..lib import scoring

# The figures of a statement, in the order scoring.ratios() takes them.
FIGURES = (
    "revenue",
    "net_profit",
    "total_assets",
    "total_liabilities",
    "current_assets",
    "current_liabilities",
    "equity",
    "operating_cash_flow",
)
# Figures that a balance sheet never shows below zero.
NOT_NEGATIVE = (
    "total_assets",
    "total_liabilities",
    "current_assets",
    "current_liabilities",
)
# Statements whose period ended longer ago than this say nothing of the customer.
FEATURE_MONTHS = 24


class CreditFinancialStatement(models.Model):
    """The figures of one customer's fiscal period, from its accounts, its
    management figures or its tax filing: what scorecards read its solvency from."""

    _name = "credit.financial.statement"
    _description = "Customer Financial Statement"
    _inherit = ["mail.thread"]
    _order = "date_end desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_start = fields.Date(string="Period Start")
    date_end = fields.Date(string="Period End", required=True, tracking=True)
    source = fields.Selection(
        [
            ("audited", "Audited accounts"),
            ("management", "Management accounts"),
            ("tax", "Tax filing"),
        ],
        required=True,
        default="audited",
        tracking=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    revenue = fields.Monetary(tracking=True)
    net_profit = fields.Monetary(tracking=True)
    total_assets = fields.Monetary(tracking=True)
    total_liabilities = fields.Monetary(tracking=True)
    current_assets = fields.Monetary(tracking=True)
    current_liabilities = fields.Monetary(tracking=True)
    equity = fields.Monetary(tracking=True)
    operating_cash_flow = fields.Monetary(tracking=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    note = fields.Text()
    debt_ratio = fields.Float(
        compute="_compute_ratios", help="Total liabilities / total assets."
    )
    current_ratio = fields.Float(
        compute="_compute_ratios", help="Current assets / current liabilities."
    )
    net_margin = fields.Float(compute="_compute_ratios", help="Net profit / revenue.")
    return_on_assets = fields.Float(
        compute="_compute_ratios", help="Net profit / total assets."
    )
    ocf_to_liabilities = fields.Float(
        string="Operating Cash Flow / Liabilities",
        compute="_compute_ratios",
        help="Operating cash flow / total liabilities.",
    )

    @api.depends("partner_id", "date_end")
    def _compute_display_name(self):
        for statement in self:
            statement.display_name = " - ".join(
                str(part)
                for part in (statement.partner_id.display_name, statement.date_end)
                if part
            )

    @api.depends(*FIGURES)
    def _compute_ratios(self):
        """The scoring ratios; one whose figures are missing or divide by 0 is 0."""
        for statement in self:
            values = scoring.ratios(*(statement[name] for name in FIGURES))
            for name, value in values.items():
                statement[name] = value or 0.0

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for statement in self:
            partner = statement.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact of %(customer)s: record the "
                        "financial statements on %(customer)s.",
                        contact=partner.display_name,
                        customer=partner.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_period(self):
        for statement in self:
            if statement.date_start and statement.date_start > statement.date_end:
                raise ValidationError(
                    self.env._("The period of a statement cannot end before it starts.")
                )

    @api.constrains(*NOT_NEGATIVE)
    def _check_not_negative(self):
        for statement in self:
            for name in NOT_NEGATIVE:
                if statement[name] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(figure)s cannot be negative (%(customer)s, %(date)s).",
                            figure=self._fields[name]._description_string(self.env),
                            customer=statement.partner_id.display_name,
                            date=statement.date_end,
                        )
                    )

    @api.constrains("total_assets", "total_liabilities", "equity")
    def _check_balanced(self):
        for statement in self:
            assets = statement.total_assets
            other_side = statement.total_liabilities + statement.equity
            if not scoring.balanced(
                assets, statement.total_liabilities, statement.equity
            ):
                currency = statement.currency_id
                raise ValidationError(
                    self.env._(
                        "The balance sheet of %(customer)s at %(date)s does not "
                        "balance: total assets (%(assets)s) must equal total "
                        "liabilities plus equity (%(other_side)s) within 1 %%.",
                        customer=statement.partner_id.display_name,
                        date=statement.date_end,
                        assets=format_amount(self.env, assets, currency),
                        other_side=format_amount(self.env, other_side, currency),
                    )
                )

    @api.constrains("partner_id", "company_id", "date_end")
    def _check_one_per_period(self):
        """One statement per customer, company and period end, in one query."""
        same = self.sudo().search_fetch(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("date_end", "in", list(set(self.mapped("date_end")))),
            ],
            ["partner_id", "company_id", "date_end"],
        )
        counts = Counter((s.partner_id.id, s.company_id.id, s.date_end) for s in same)
        for statement in self:
            key = (statement.partner_id.id, statement.company_id.id, statement.date_end)
            if counts[key] > 1:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has a financial statement for the "
                        "period ending %(date)s in %(company)s: correct that one.",
                        customer=statement.partner_id.display_name,
                        date=statement.date_end,
                        company=statement.company_id.name,
                    )
                )

    @api.model
    def _credit_features(self, company, partner_ids=None):
        """Per commercial partner id: the ratios, equity and revenue of its latest
        statement in ``company`` that ended within 24 months, amounts in the
        company's currency at the period end; a ratio that cannot be computed is
        absent.  ``partner_ids`` may hold contacts; ``None`` asks for every
        customer at once.  One query for all the statements."""
        today = fields.Date.context_today(self)
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND st.partner_id IN "
                "(SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%s))",
                list(partner_ids),
            )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.flush_model(
            ["partner_id", "company_id", "date_end", "currency_id", *FIGURES]
        )
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT DISTINCT ON (st.partner_id) st.partner_id, st.date_end,
                          st.currency_id, %(figures)s
                     FROM credit_financial_statement st
                    WHERE st.company_id = %(company_id)s
                      AND st.date_end >= %(since)s
                      %(partner_filter)s
                 ORDER BY st.partner_id, st.date_end DESC, st.id DESC""",
                figures=SQL(", ").join(SQL.identifier("st", name) for name in FIGURES),
                company_id=company.id,
                since=fields.Date.subtract(today, months=FEATURE_MONTHS),
                partner_filter=partner_filter,
            )
        )
        features = {}
        for row in rows:
            ratios = scoring.ratios(*(row[name] for name in FIGURES))
            values = {
                code: value for code, value in ratios.items() if value is not None
            }
            currency = self.env["res.currency"].browse(row["currency_id"])
            for name in ("equity", "revenue"):
                values[name] = currency._convert(
                    row[name] or 0.0, company.currency_id, company, row["date_end"]
                )
            features[row["partner_id"]] = values
        return features

    @api.model
    def _credit_feature_partners(self, company):
        """The customers that :meth:`_credit_features` has a statement of."""
        today = fields.Date.context_today(self)
        self.flush_model(["partner_id", "company_id", "date_end"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT partner_id FROM credit_financial_statement
                    WHERE company_id = %s AND date_end >= %s""",
                company.id,
                fields.Date.subtract(today, months=FEATURE_MONTHS),
            )
        )
        return {partner_id for (partner_id,) in rows}
