from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from ..lib import scoring

CONTROLLER_GROUP = "credit_control.group_credit_controller"
# Customers scored per transaction by the nightly run.  Each batch costs a features
# query and an insert of its lines whatever its size, and once a job has had its
# few seconds Odoo's cron calls it for one batch at a time, each call finding whom
# is left to score first: a few seconds of work per batch.
BATCH = 10000


class CreditScoring(models.AbstractModel):
    """Scores customers with their company's active scorecard and keeps the result
    in their score history; follows up a downgrade as the customer's policy says."""

    _name = "credit.scoring"
    _description = "Credit Scoring"

    # Extension point

    @api.model
    def _credit_feature_providers(self):
        """Models whose ``_credit_features(company, partner_ids)`` feed the
        scorecards, and whose ``_credit_feature_partners(company)`` says which
        customers they have features of; add-ons append theirs with ``super()``."""
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

    @api.model
    def _credit_scored_partners(self, company):
        """The commercial partner ids that some provider has features of in
        ``company``: the customers the nightly run scores."""
        partner_ids = set()
        for model in self._credit_feature_providers():
            partner_ids |= self.env[model].sudo()._credit_feature_partners(company)
        return partner_ids

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
        min_data_pct, currency = scorecard.min_data_pct, company.currency_id
        values, new_grades = [], []
        for partner_id, found in features.items():
            evaluation = scoring.evaluate(factors, found, grades, min_data_pct)
            grade = (
                grade_records.get(evaluation.grade.code) if evaluation.grade else None
            )
            sales = found.get("sales_12m")
            new_grades.append(grade)
            values.append(
                {
                    "partner_id": partner_id,
                    "company_id": company.id,
                    "date": today,
                    "score": evaluation.score,
                    "grade_id": grade.id if grade else None,
                    "proposed_limit": currency.round(
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
        lines = History._credit_insert(values)
        # the customers whose grade fell, scored on enough data, are followed up
        lines.browse(
            [
                line.id
                for line, vals, grade in zip(lines, values, new_grades, strict=True)
                if grade
                and not vals["insufficient"]
                and previous.get(vals["partner_id"])
                and previous[vals["partner_id"]].min_score > grade.min_score
            ]
        )._credit_follow_up(previous)
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
        with its features and committed with the cron's progress; a run killed
        half-way is finished by the next one, and a second run the same day finds
        nothing left to do.  The e-mails of the follow-ups go through the mail
        queue."""
        today = fields.Date.context_today(self)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        History = self.env["credit.score.history"]
        for company in self.env["res.company"].search(
            [("credit_check_active", "=", True)]
        ):
            engine = self.with_company(company).with_context(
                mail_notify_force_send=False
            )
            History.flush_model(["partner_id", "company_id", "date"])
            done = self.env.execute_query(
                SQL(
                    "SELECT partner_id FROM credit_score_history"
                    " WHERE company_id = %s AND date = %s",
                    company.id,
                    today,
                )
            )
            todo = sorted(
                engine._credit_scored_partners(company) - {pid for (pid,) in done}
            )
            for start in range(0, len(todo), BATCH):
                batch = todo[start : start + BATCH]
                features = engine._credit_features(company, batch)
                engine._score(
                    company, {pid: features.get(pid, {}) for pid in batch}, today
                )
                if in_cron and not self.env["ir.cron"]._commit_progress(
                    processed=len(batch), remaining=len(todo) - start - len(batch)
                ):
                    return
