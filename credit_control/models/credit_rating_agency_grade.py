from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditRatingAgencyGrade(models.Model):
    """One grade of an agency ("AA", "B+"...) and the points 0-100 it is worth."""

    _name = "credit.rating.agency.grade"
    _description = "Credit Rating Agency Grade"
    _order = "agency_id, sequence, id"
    _rec_name = "code"

    agency_id = fields.Many2one(
        "credit.rating.agency",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(string="Grade", required=True)
    points = fields.Float(help="What the grade is worth, 0 (worst) to 100 (best).")

    _code_per_agency = models.Constraint(
        "UNIQUE(agency_id, code)", "An agency cannot have the same grade twice."
    )

    @api.constrains("points")
    def _check_points(self):
        for grade in self:
            if not 0 <= grade.points <= 100:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s of %(agency)s must be worth 0 to 100 points.",
                        grade=grade.code,
                        agency=grade.agency_id.name,
                    )
                )
