from datetime import timedelta

from odoo import api, models
from odoo.tools import SQL

from ..lib import alerts

# The scores since ``%(since)s`` whose grade is lower than the customer's grade
# before them (scores resting on too little data left out).
_SCORE_DOWNGRADES_SQL = """
SELECT line.partner_id, line.date, grade.code, before.code, line.score, line.id
  FROM credit_score_history line
  JOIN credit_grade grade ON grade.id = line.grade_id
 CROSS JOIN LATERAL (
     SELECT previous_grade.code, previous_grade.min_score
       FROM credit_score_history previous
       JOIN credit_grade previous_grade ON previous_grade.id = previous.grade_id
      WHERE previous.partner_id = line.partner_id
        AND previous.company_id = line.company_id
        AND previous.date < line.date
        AND NOT COALESCE(previous.insufficient, FALSE)
      ORDER BY previous.date DESC, previous.id DESC
      LIMIT 1) before
 WHERE line.company_id = %(company_id)s
   AND line.date BETWEEN %(since)s AND %(today)s
   AND NOT COALESCE(line.insufficient, FALSE)
   AND grade.min_score < before.min_score
"""

# The ratings dated or recorded since ``%(since)s`` worth fewer points than the
# customer's rating by the same agency before them.
_RATING_DROPS_SQL = """
SELECT rating.id, before.id
  FROM credit_external_rating rating
 CROSS JOIN LATERAL (
     SELECT previous.id, previous.points
       FROM credit_external_rating previous
      WHERE previous.partner_id = rating.partner_id
        AND previous.company_id = rating.company_id
        AND previous.agency_id = rating.agency_id
        AND (previous.date, previous.id) < (rating.date, rating.id)
      ORDER BY previous.date DESC, previous.id DESC
      LIMIT 1) before
 WHERE rating.company_id = %(company_id)s
   AND rating.date <= %(today)s
   AND (rating.date >= %(since)s OR rating.create_date >= %(since)s)
   AND rating.points < before.points
"""


class CreditAlertRule(models.Model):
    """The alerts on what scoring and the rating agencies tell of a customer."""

    _inherit = "credit.alert.rule"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _credit_alert_rules(self):
        days = frozenset({alerts.DAYS})
        return [
            *super()._credit_alert_rules(),
            alerts.AlertRule(
                "score_downgrade",
                self.env._("Score downgrade"),
                self.env._(
                    "A customer's credit grade fell, in the scores of the last Days."
                ),
                days=7,
                uses=days,
                sequence=50,
            ),
            alerts.AlertRule(
                "rating_drop",
                self.env._("External rating drop"),
                self.env._(
                    "A rating dated or recorded in the last Days gives fewer points "
                    "than the customer's rating by the same agency before it."
                ),
                days=7,
                uses=days,
                sequence=60,
            ),
        ]

    def _credit_alert_score_downgrade(self, company, today, settings):
        self.env["credit.score.history"].flush_model()
        rows = self.env.execute_query(
            SQL(
                _SCORE_DOWNGRADES_SQL,
                company_id=company.id,
                since=today - timedelta(days=settings.days),
                today=today,
            )
        )
        return [
            {
                "partner_id": partner_id,
                "event_key": f"{partner_id}:{date}",
                "message": self.env._(
                    "Grade fell from %(before)s to %(after)s (score %(score)s).",
                    before=before,
                    after=after,
                    score=f"{score:.0f}",
                ),
                "record": f"credit.score.history,{line_id}",
            }
            for partner_id, date, after, before, score, line_id in rows
        ]

    def _credit_alert_rating_drop(self, company, today, settings):
        Rating = self.env["credit.external.rating"].sudo()
        Rating.flush_model()
        rows = self.env.execute_query(
            SQL(
                _RATING_DROPS_SQL,
                company_id=company.id,
                since=today - timedelta(days=settings.days),
                today=today,
            )
        )
        prefetch = [rating_id for row in rows for rating_id in row]
        events = []
        for rating_id, before_id in rows:
            rating = Rating.browse(rating_id).with_prefetch(prefetch)
            before = Rating.browse(before_id).with_prefetch(prefetch)
            events.append(
                {
                    "partner_id": rating.partner_id.id,
                    "event_key": str(rating.id),
                    "message": self.env._(
                        "%(agency)s rates it %(after)s, down from %(before)s.",
                        agency=rating.agency_id.name,
                        after=rating.grade_id.code or f"{rating.points:g}",
                        before=before.grade_id.code or f"{before.points:g}",
                    ),
                    "record": f"credit.external.rating,{rating.id}",
                }
            )
        return events
