from odoo import fields, models


class CreditRatingAgency(models.Model):
    """A credit rating agency or credit bureau, with the table that turns its
    grades into points; an agency without grades gives a score of 0-100."""

    _name = "credit.rating.agency"
    _description = "Credit Rating Agency"
    _order = "name, id"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to use the agency in every company.",
    )
    grade_ids = fields.One2many(
        "credit.rating.agency.grade", "agency_id", string="Grades", copy=True
    )
    note = fields.Text()
