from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import scoring

CONTROLLER_GROUP = "credit_control.group_credit_controller"
# Customers scored per transaction by the nightly run.
BATCH = 1000


class CreditScoring(models.AbstractModel):
    """Scores customers with their company's active scorecard and keeps the result
    in their score history; follows up a downgrade as the customer's policy says."""

    _name = "credit.scoring"
    _description = "Credit Scoring"

    # Extension point

    @api.model
    def _credit_feature_providers(self):
        """Models whose ``_credit_features(company, partner_ids)`` feed the
        scorecards; add-ons append theirs with ``super()``."""
        return [
            "credit.payment.behaviour",
            "credit.financial.statement",
            "credit.external.rating",
        ]

    @api.model
    def _credit_features(self, company, partner_ids=None):
        """Every feature of the customers (all of the company's when ``None``), per
        commercial partner id, one query per provider."""
        merged = defaultdict(dict)
        for model in self._credit_feature_providers():
            provided = self.env[model].sudo()._credit_features(company, partner_ids)
            for partner_id, features in provided.items():
                merged[partner_id].update(features)
        return merged

    # Scoring

    @api.model
    def _score(self, company, features, today):
        """Score the customers of ``features`` (commercial partner id -> features)
        in ``company`` and keep today's score of each; return the new lines."""
        History = self.env["credit.score.history"].sudo()
        scorecard = self.env["credit.scorecard"].sudo()._active_for(company)
        if not scorecard or not features:
            return History
        factors = scorecard._scoring_factors()
        grades = scorecard._scoring_grades()
        grade_records = {grade.code: grade for grade in scorecard.grade_ids}
        values = []
        for partner_id, found in features.items():
            evaluation = scoring.evaluate(
                factors, found, grades, scorecard.min_data_pct
            )
            grade = (
                grade_records.get(evaluation.grade.code) if evaluation.grade else None
            )
            sales = found.get("sales_12m")
            values.append(
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "date": today,
                    "score": evaluation.score,
                    "grade_id": grade.id if grade else False,
                    "proposed_limit": company.currency_id.round(
                        grade._proposed_limit(
                            equity=found.get("equity"),
                            revenue=found.get("revenue"),
                            monthly_sales=sales / 12.0 if sales else None,
                        )
                    )
                    if grade
                    else 0.0,
                    "insufficient": evaluation.insufficient,
                    "scorecard_id": scorecard.id,
                    "reasons": [
                        {
                            "code": r.code,
                            "value": r.value,
                            "points": r.points,
                            "impact": r.impact,
                            "missing": r.missing,
                        }
                        for r in evaluation.reasons
                    ],
                }
            )
        previous = self._latest_grades(company, list(features), today)
        lines = History.create(values)
        lines._credit_follow_up(previous)
        return lines

    @api.model
    def _latest_grades(self, company, partner_ids, today):
        """Per customer, the grade of its latest score before ``today``."""
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT ON (partner_id) partner_id, grade_id
                     FROM credit_score_history
                    WHERE company_id = %s AND partner_id = ANY(%s) AND date < %s
                    ORDER BY partner_id, date DESC""",
                company.id,
                partner_ids,
                today,
            )
        )
        grades = dict(self.env.cr.fetchall())
        records = self.env["credit.grade"].sudo().browse(set(grades.values()) - {None})
        by_id = {grade.id: grade for grade in records}
        return {pid: by_id.get(grade_id) for pid, grade_id in grades.items()}

    @api.model
    def _score_partners(self, partners):
        """Score ``partners`` now in the current company, replacing today's score."""
        if not self.env.user.has_group(CONTROLLER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Controller can score customers.")
            )
        company = self.env.company
        today = fields.Date.context_today(self)
        roots = partners.commercial_partner_id
        roots.check_access("read")
        self.env["credit.score.history"].sudo().search(
            [
                ("partner_id", "in", roots.ids),
                ("company_id", "=", company.id),
                ("date", "=", today),
            ]
        ).unlink()
        features = self._credit_features(company, roots.ids)
        for root in roots:
            features.setdefault(root.id, {})
        return self._score(company, features, today)

    @api.model
    def _cron_score(self):
        """Score every customer of every company checking credit, in batches, each
        committed with the cron's progress; a run killed half-way is finished by the
        next one, and a second run the same day finds nothing left to do."""
        today = fields.Date.context_today(self)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for company in self.env["res.company"].search(
            [("credit_check_active", "=", True)]
        ):
            features = self.with_company(company)._credit_features(company)
            done = set(
                self.env["credit.score.history"]
                .sudo()
                .search([("company_id", "=", company.id), ("date", "=", today)])
                .partner_id.ids
            )
            todo = [pid for pid in features if pid not in done]
            for start in range(0, len(todo), BATCH):
                batch = todo[start : start + BATCH]
                self.with_company(company)._score(
                    company, {pid: features[pid] for pid in batch}, today
                )
                if in_cron and not self.env["ir.cron"]._commit_progress(
                    processed=len(batch), remaining=len(todo) - start - len(batch)
                ):
                    return
