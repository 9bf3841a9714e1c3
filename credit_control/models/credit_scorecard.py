from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

# What may change on a scorecard in use: its state (and the chatter's fields).
FREE_FIELDS = {"state"}
# The state changes a scorecard goes through.
TRANSITIONS = {("draft", "active"), ("active", "archived")}


class CreditScorecard(models.Model):
    """Versioned scoring rules of a company: factors with point bands, and grades.

    A scorecard in use (active) or retired (archived) is never edited, so that a
    score can always be explained by the rules that gave it: a change makes a new
    version, a draft, that replaces the active one when activated.
    """

    _name = "credit.scorecard"
    _description = "Credit Scorecard"
    _inherit = ["mail.thread"]
    _order = "company_id, name, version desc, id desc"
    _parent_name = "previous_id"

    name = fields.Char(required=True, translate=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    version = fields.Integer(readonly=True, default=1, copy=False)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("archived", "Archived")],
        required=True,
        default="draft",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    factor_ids = fields.One2many(
        "credit.scorecard.factor", "scorecard_id", string="Factors", copy=True
    )
    grade_ids = fields.One2many(
        "credit.grade", "scorecard_id", string="Grades", copy=True
    )
    min_data_pct = fields.Float(
        string="Minimum Data (%)",
        default=60.0,
        tracking=True,
        help="A customer whose data covers less than this share of the weights is "
        "flagged as having insufficient data.",
    )
    previous_id = fields.Many2one(
        "credit.scorecard",
        string="Previous Version",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
    )
    total_weight = fields.Float(compute="_compute_total_weight")

    _one_active_per_company = models.UniqueIndex(
        "(company_id) WHERE state = 'active'",
        "A company has one active scorecard.",
    )
    _version_positive = models.Constraint(
        "CHECK(version > 0)", "A scorecard's version is positive."
    )

    @api.depends("name", "version")
    def _compute_display_name(self):
        for scorecard in self:
            scorecard.display_name = self.env._(
                "%(name)s (v%(version)s)",
                name=scorecard.name or "",
                version=scorecard.version,
            )

    @api.depends("factor_ids.weight")
    def _compute_total_weight(self):
        for scorecard in self:
            scorecard.total_weight = sum(scorecard.factor_ids.mapped("weight"))

    @api.constrains("min_data_pct")
    def _check_min_data_pct(self):
        if any(not 0 <= s.min_data_pct <= 100 for s in self):
            raise ValidationError(
                self.env._("The minimum data must lie between 0 and 100 %.")
            )

    # A scorecard in use is never edited

    def _credit_check_editable(self):
        """Refuse to change the rules of scorecards in use or retired."""
        for scorecard in self:
            if scorecard.state != "draft":
                raise UserError(
                    self.env._(
                        "%(scorecard)s is %(state)s: it is never edited, make a new "
                        "version to change it.",
                        scorecard=scorecard.display_name,
                        state=scorecard._credit_state_label(),
                    )
                )

    def _credit_state_label(self):
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        return states[self.state]

    def _credit_check_manager(self):
        if not self.env.su and not self.env.user.has_group(
            "credit_control.group_credit_manager"
        ):
            raise AccessError(
                self.env._("Only a Credit Manager can activate or version scorecards.")
            )

    def _credit_check_state_change(self, state):
        for scorecard in self:
            if scorecard.state == state:
                continue
            if (scorecard.state, state) not in TRANSITIONS:
                raise UserError(
                    self.env._(
                        "%(scorecard)s is %(state)s: it cannot go back. Make a new "
                        "version instead.",
                        scorecard=scorecard.display_name,
                        state=scorecard._credit_state_label(),
                    )
                )
            if state == "active" and not (scorecard.factor_ids and scorecard.grade_ids):
                raise UserError(
                    self.env._(
                        "%(scorecard)s needs at least one factor and one grade to "
                        "be activated.",
                        scorecard=scorecard.display_name,
                    )
                )

    def _credit_check_no_other_active(self):
        for scorecard in self:
            if self.sudo().search_count(
                [
                    ("company_id", "=", scorecard.company_id.id),
                    ("state", "=", "active"),
                    ("id", "!=", scorecard.id),
                ],
                limit=1,
            ):
                raise ValidationError(
                    self.env._(
                        "%(company)s already has an active scorecard: activate "
                        "%(scorecard)s with its button to retire the other.",
                        company=scorecard.company_id.display_name,
                        scorecard=scorecard.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        states = [vals.pop("state", "draft") for vals in vals_list]
        if set(states) - {"draft", "active"}:
            raise UserError(self.env._("A scorecard starts as a draft."))
        scorecards = super().create(vals_list)
        to_activate = scorecards.browse(
            [
                s.id
                for s, state in zip(scorecards, states, strict=True)
                if state != "draft"
            ]
        )
        if to_activate:
            to_activate.action_activate()
        return scorecards

    def write(self, vals):
        frozen = self.filtered(lambda s: s.state != "draft")
        if frozen and set(vals) - FREE_FIELDS - set(self.env["mail.thread"]._fields):
            frozen._credit_check_editable()
        if "state" in vals:
            self._credit_check_state_change(vals["state"])
            if vals["state"] == "active":
                self._credit_check_no_other_active()
        res = super().write(vals)
        if "company_id" in vals:
            # the grades' policies and payment terms follow the company
            self.grade_ids._check_company()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_active(self):
        active = self.filtered(lambda s: s.state == "active")
        if active:
            raise UserError(
                self.env._(
                    "%(scorecard)s is in use: activate another version before "
                    "deleting it.",
                    scorecard=active[0].display_name,
                )
            )

    # Actions

    def action_activate(self):
        """Put the draft scorecards in use, retiring their companies' active one."""
        self._credit_check_manager()
        if len(self.company_id) != len(self):
            raise UserError(
                self.env._("A company has one active scorecard: activate one only.")
            )
        for scorecard in self:
            if scorecard.state != "draft":
                raise UserError(
                    self.env._(
                        "%(scorecard)s is %(state)s: only a draft is activated.",
                        scorecard=scorecard.display_name,
                        state=scorecard._credit_state_label(),
                    )
                )
        self._credit_check_state_change("active")
        current = (
            self.sudo()
            .search(
                [("company_id", "in", self.company_id.ids), ("state", "=", "active")]
            )
            .filtered(lambda s: s not in self)
        )
        if current:
            current.write({"state": "archived"})
            # retired before the new one is active: one active per company
            current.flush_recordset(["state"])
        self.write({"state": "active"})
        return True

    def action_new_version(self):
        """A draft copy of the scorecard, its factors, bands and grades, as the next
        version of its lineage; opens it."""
        self.ensure_one()
        self._credit_check_manager()
        if self.state == "draft":
            raise UserError(
                self.env._(
                    "%(scorecard)s is a draft: edit it directly.",
                    scorecard=self.display_name,
                )
            )
        lineage = self.sudo().search([("id", "child_of", self._credit_root().id)])
        scorecard = self.copy(
            {"version": max(lineage.mapped("version")) + 1, "previous_id": self.id}
        )
        return {
            "type": "ir.actions.act_window",
            "name": scorecard.display_name,
            "res_model": self._name,
            "res_id": scorecard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _credit_root(self):
        """The first version of the scorecard's lineage."""
        self.ensure_one()
        root, seen = self.sudo(), set()
        while root.previous_id and root.previous_id.id not in seen:
            seen.add(root.id)
            root = root.previous_id
        return root

    # Extension points of the scoring engine

    @api.model
    def _active_for(self, company):
        """The active scorecard of ``company``, or an empty recordset."""
        return self.search(
            [("company_id", "=", company.id), ("state", "=", "active")], limit=1
        )

    def _scoring_factors(self):
        """The factors as the scoring library evaluates them."""
        self.ensure_one()
        return tuple(factor._scoring_factor() for factor in self.factor_ids)

    def _scoring_grades(self):
        """The grades as the scoring library evaluates them."""
        self.ensure_one()
        return tuple(grade._scoring_grade() for grade in self.grade_ids)

    def _grade(self, code):
        """The grade of the scorecard with ``code``, or an empty recordset."""
        self.ensure_one()
        return self.grade_ids.filtered(lambda g: g.code == code)[:1]
