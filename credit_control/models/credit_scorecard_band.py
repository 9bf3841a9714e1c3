from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..lib import scoring


class CreditScorecardBand(models.Model):
    """Values from ``low`` (included) to ``high`` (excluded) get ``points``."""

    _name = "credit.scorecard.band"
    _inherit = ["credit.scorecard.part"]
    _description = "Credit Scorecard Band"
    _order = "factor_id, no_low desc, low, id"

    factor_id = fields.Many2one(
        "credit.scorecard.factor", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="factor_id.company_id", store=True, index=True)
    no_low = fields.Boolean(
        string="No Lower Bound", help="The band takes every value below its high."
    )
    low = fields.Float(string="From", help="The lowest value of the band, included.")
    no_high = fields.Boolean(
        string="No Upper Bound", help="The band takes every value from its low on."
    )
    high = fields.Float(string="Below", help="The value above the band, excluded.")
    points = fields.Float(required=True, help="Between 0 and the weight of the factor.")

    _bounds_ordered = models.Constraint(
        "CHECK(no_low IS TRUE OR no_high IS TRUE OR low < high)",
        "A band must start below its end.",
    )

    @api.depends("no_low", "low", "no_high", "high", "points")
    def _compute_display_name(self):
        for band in self:
            low = "-∞" if band.no_low else f"{band.low:g}"
            high = "+∞" if band.no_high else f"{band.high:g}"
            band.display_name = f"[{low}, {high}): {band.points:g}"

    @api.constrains("points", "factor_id")
    def _check_points(self):
        for band in self:
            if not 0 <= band.points <= band.factor_id.weight:
                raise ValidationError(
                    self.env._(
                        "The points of a band of %(factor)s must lie between 0 and "
                        "the factor's weight (%(weight)s).",
                        factor=band.factor_id.display_name,
                        weight=band.factor_id.weight,
                    )
                )

    def _credit_scorecards(self):
        return self.factor_id.scorecard_id

    def _scoring_band(self):
        """The band as the scoring library evaluates it."""
        self.ensure_one()
        return scoring.Band(
            low=None if self.no_low else self.low,
            high=None if self.no_high else self.high,
            points=self.points,
        )
