from odoo import api, fields, models

from ..lib import scoring


class CreditGrade(models.Model):
    """A grade of a scorecard (AAA, AA... C) from a minimum score, and what it
    grants: the limit formula, the credit policy, the payment terms and how often
    the customer is reviewed."""

    _name = "credit.grade"
    _inherit = ["credit.scorecard.part"]
    _description = "Credit Grade"
    _order = "scorecard_id, sequence, min_score desc, id"
    _rec_name = "code"
    _check_company_auto = True

    scorecard_id = fields.Many2one(
        "credit.scorecard", required=True, ondelete="cascade", index=True
    )
    scorecard_state = fields.Selection(related="scorecard_id.state")
    company_id = fields.Many2one(
        related="scorecard_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, help="e.g. AAA")
    name = fields.Char(string="Description", translate=True)
    min_score = fields.Float(
        string="Minimum Score",
        required=True,
        help="Customers scoring this (0-100) or more, up to the next grade, get it.",
    )
    max_limit = fields.Monetary(
        string="Maximum Limit",
        currency_field="currency_id",
        help="The largest limit the grade proposes; 0 sets no maximum. A grade "
        "without any term below proposes no credit.",
    )
    equity_pct = fields.Float(
        string="Equity (%)",
        help="The limit is at most this share of the customer's equity; 0 leaves "
        "equity out.",
    )
    revenue_pct = fields.Float(
        string="Revenue (%)",
        help="The limit is at most this share of the customer's revenue; 0 leaves "
        "revenue out.",
    )
    sales_months = fields.Float(
        string="Months of Sales",
        help="The limit is at most this many average monthly sales to the "
        "customer; 0 leaves sales out.",
    )
    credit_policy_id = fields.Many2one(
        "credit.policy",
        check_company=True,
        help="The credit policy given to customers of this grade; empty keeps theirs.",
    )
    payment_term_ids = fields.Many2many(
        "account.payment.term",
        "credit_grade_payment_term_rel",
        "grade_id",
        "payment_term_id",
        string="Allowed Payment Terms",
        check_company=True,
        help="Empty allows any.",
    )
    review_months = fields.Integer(
        string="Review Every (Months)",
        default=12,
        help="How often the credit of customers of this grade is reviewed.",
    )

    _code_unique = models.Constraint(
        "UNIQUE(scorecard_id, code)",
        "Each grade of a scorecard has its own code.",
    )
    _min_score_unique = models.Constraint(
        "UNIQUE(scorecard_id, min_score)",
        "Each grade of a scorecard starts at its own score.",
    )
    _min_score_range = models.Constraint(
        "CHECK(min_score >= 0 AND min_score <= 100)",
        "The minimum score of a grade lies between 0 and 100.",
    )
    _terms_positive = models.Constraint(
        "CHECK(max_limit >= 0 AND equity_pct >= 0 AND revenue_pct >= 0 "
        "AND sales_months >= 0)",
        "The limit terms of a grade cannot be negative.",
    )
    _review_positive = models.Constraint(
        "CHECK(review_months > 0)",
        "The review interval of a grade must be a positive number of months.",
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = (
                f"{grade.code} - {grade.name}" if grade.name else grade.code or ""
            )

    def _scoring_grade(self):
        """The grade as the scoring library evaluates it."""
        self.ensure_one()
        return scoring.Grade(code=self.code, min_score=self.min_score)

    def _proposed_limit(self, equity=None, revenue=None, monthly_sales=None):
        """The limit the grade proposes: the smallest of its maximum, its share of
        the customer's ``equity`` and ``revenue`` and its months of
        ``monthly_sales`` (each left out when unknown or not set); 0 without any."""
        self.ensure_one()
        return scoring.proposed_limit(
            cap=self.max_limit or None,
            equity=equity,
            equity_pct=self.equity_pct,
            revenue=revenue,
            revenue_pct=self.revenue_pct,
            monthly_sales=monthly_sales,
            sales_months=self.sales_months,
        )
