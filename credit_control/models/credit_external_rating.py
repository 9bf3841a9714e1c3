from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class CreditExternalRating(models.Model):
    """A customer's rating by an agency on a date: a grade of the agency's table,
    or a score for agencies that give a number, both worth points 0-100."""

    _name = "credit.external.rating"
    _description = "External Credit Rating"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
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
    agency_id = fields.Many2one(
        "credit.rating.agency",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        tracking=True,
    )
    agency_graded = fields.Boolean(compute="_compute_agency_graded")
    grade_id = fields.Many2one(
        "credit.rating.agency.grade",
        ondelete="restrict",
        domain="[('agency_id', '=', agency_id)]",
        tracking=True,
    )
    score = fields.Float(
        tracking=True, help="For agencies that give a number instead of a grade."
    )
    points = fields.Float(
        compute="_compute_points",
        store=True,
        help="The grade's points, or the score within 0-100 for an agency "
        "without grades.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    date_valid = fields.Date(string="Valid Until", tracking=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")
    note = fields.Text()

    @api.depends("partner_id", "agency_id", "grade_id", "points")
    def _compute_display_name(self):
        for rating in self:
            what = rating.grade_id.code or f"{rating.points:g}"
            rating.display_name = " - ".join(
                part
                for part in (
                    rating.partner_id.display_name,
                    rating.agency_id.name,
                    what,
                )
                if part
            )

    @api.depends("agency_id.grade_ids")
    def _compute_agency_graded(self):
        for rating in self:
            rating.agency_graded = bool(rating.agency_id.grade_ids)

    @api.depends("grade_id.points", "score")
    def _compute_points(self):
        for rating in self:
            if rating.grade_id:
                rating.points = rating.grade_id.points
            else:
                rating.points = min(max(rating.score, 0.0), 100.0)

    @api.onchange("agency_id")
    def _onchange_agency_id(self):
        if self.grade_id.agency_id != self.agency_id:
            self.grade_id = False

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for rating in self:
            partner = rating.partner_id
            if partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact of %(customer)s: record the "
                        "ratings on %(customer)s.",
                        contact=partner.display_name,
                        customer=partner.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("date", "date_valid")
    def _check_dates(self):
        for rating in self:
            if rating.date_valid and rating.date_valid < rating.date:
                raise ValidationError(
                    self.env._("A rating cannot expire before its date.")
                )

    @api.constrains("agency_id", "grade_id")
    def _check_grade(self):
        for rating in self:
            agency = rating.agency_id
            if rating.grade_id and rating.grade_id.agency_id != agency:
                raise ValidationError(
                    self.env._(
                        "Grade %(grade)s is not a grade of %(agency)s.",
                        grade=rating.grade_id.code,
                        agency=agency.name,
                    )
                )
            if not rating.grade_id and agency.grade_ids:
                raise ValidationError(
                    self.env._(
                        "Pick one of the grades of %(agency)s for the rating.",
                        agency=agency.name,
                    )
                )

    @api.model
    def _credit_features(self, company, partner_ids=None):
        """Per commercial partner id: the points of its latest rating in
        ``company`` that is valid today.  ``partner_ids`` may hold contacts;
        ``None`` asks for every customer at once.  One query."""
        partner_filter = SQL()
        if partner_ids is not None:
            partner_filter = SQL(
                "AND r.partner_id IN "
                "(SELECT commercial_partner_id FROM res_partner WHERE id = ANY(%s))",
                list(partner_ids),
            )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.flush_model(["partner_id", "company_id", "date", "date_valid", "points"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT ON (r.partner_id) r.partner_id, r.points
                     FROM credit_external_rating r
                    WHERE r.company_id = %(company_id)s
                      AND r.date <= %(today)s
                      AND (r.date_valid IS NULL OR r.date_valid >= %(today)s)
                      %(partner_filter)s
                 ORDER BY r.partner_id, r.date DESC, r.id DESC""",
                company_id=company.id,
                today=fields.Date.context_today(self),
                partner_filter=partner_filter,
            )
        )
        return {
            partner_id: {"rating_points": points or 0.0} for partner_id, points in rows
        }

    @api.model
    def _credit_feature_partners(self, company):
        """The customers that :meth:`_credit_features` has a valid rating of."""
        self.flush_model(["partner_id", "company_id", "date", "date_valid"])
        rows = self.env.execute_query(
            SQL(
                """SELECT DISTINCT partner_id FROM credit_external_rating
                    WHERE company_id = %(company_id)s AND date <= %(today)s
                      AND (date_valid IS NULL OR date_valid >= %(today)s)""",
                company_id=company.id,
                today=fields.Date.context_today(self),
            )
        )
        return {partner_id for (partner_id,) in rows}
