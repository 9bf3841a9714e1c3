from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import scoring

# The customer features a scorecard can score, as the scoring engine names them.
FEATURES = [
    ("on_time_share", "Invoiced amount paid on time (%)"),
    ("avg_days_late", "Average days late (amount-weighted)"),
    ("max_days_late", "Worst days late"),
    ("overdue_share", "Overdue share of the receivable (%)"),
    ("dso", "Days sales outstanding"),
    ("months_trading", "Months since the first invoice"),
    ("sales_12m", "Sales of the last 12 months"),
    ("sales_trend", "Sales trend (%)"),
    ("holds_12m", "Credit holds in 12 months"),
    ("debt_ratio", "Debt ratio"),
    ("current_ratio", "Current ratio"),
    ("net_margin", "Net margin"),
    ("return_on_assets", "Return on assets"),
    ("ocf_to_liabilities", "Operating cash flow to liabilities"),
    ("equity", "Equity"),
    ("revenue", "Revenue"),
    ("rating_points", "External rating (points)"),
]


class CreditScorecardFactor(models.Model):
    """One scored feature of a scorecard: at most ``weight`` points, given by bands."""

    _name = "credit.scorecard.factor"
    _inherit = ["credit.scorecard.part"]
    _description = "Credit Scorecard Factor"
    _order = "scorecard_id, sequence, id"
    _rec_name = "feature"

    scorecard_id = fields.Many2one(
        "credit.scorecard", required=True, ondelete="cascade", index=True
    )
    scorecard_state = fields.Selection(related="scorecard_id.state")
    company_id = fields.Many2one(
        related="scorecard_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    feature = fields.Selection(FEATURES, required=True)
    weight = fields.Float(
        required=True,
        default=10.0,
        help="The most points the factor gives; the score is the share of the "
        "weights earned.",
    )
    custom_neutral = fields.Boolean(
        string="Own Neutral Points",
        help="Without it, a missing value gets half the weight.",
    )
    neutral = fields.Float(
        string="Neutral Points",
        help="What the factor gives when the customer's value is missing or falls "
        "in no band.",
    )
    neutral_points = fields.Float(
        string="Points When Missing", compute="_compute_neutral_points"
    )
    band_ids = fields.One2many(
        "credit.scorecard.band", "factor_id", string="Bands", copy=True
    )
    band_count = fields.Integer(compute="_compute_band_count")

    _feature_unique = models.Constraint(
        "UNIQUE(scorecard_id, feature)",
        "A scorecard scores each feature once.",
    )
    _weight_positive = models.Constraint(
        "CHECK(weight > 0)",
        "The weight of a factor must be positive.",
    )

    @api.depends("weight", "custom_neutral", "neutral")
    def _compute_neutral_points(self):
        for factor in self:
            factor.neutral_points = (
                factor.neutral if factor.custom_neutral else factor.weight / 2.0
            )

    @api.depends("band_ids")
    def _compute_band_count(self):
        for factor in self:
            factor.band_count = len(factor.band_ids)

    @api.constrains("weight", "custom_neutral", "neutral")
    def _check_points(self):
        for factor in self:
            if factor.custom_neutral and not 0 <= factor.neutral <= factor.weight:
                raise ValidationError(
                    self.env._(
                        "The neutral points of %(factor)s must lie between 0 and "
                        "its weight (%(weight)s).",
                        factor=factor.display_name,
                        weight=factor.weight,
                    )
                )
        self.band_ids._check_points()

    def action_edit_bands(self):
        """Open the factor with its bands."""
        self.ensure_one()
        view = self.env.ref("credit_control.credit_scorecard_factor_view_form")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Bands of %s", self.display_name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(view.id, "form")],
            "target": "new",
        }

    def _scoring_factor(self):
        """The factor as the scoring library evaluates it."""
        self.ensure_one()
        return scoring.Factor(
            code=self.feature,
            weight=self.weight,
            bands=tuple(band._scoring_band() for band in self.band_ids),
            neutral=self.neutral if self.custom_neutral else None,
        )
