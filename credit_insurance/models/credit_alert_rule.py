from datetime import timedelta

from odoo import api, models
from odoo.tools import format_amount, format_date

from odoo.addons.credit_control.lib import alerts

from ..lib import coverage

LOST_BY_DECISION = ("refused", "withdrawn")


class CreditAlertRule(models.Model):
    """The insurance events among the early warnings: covers expiring, covers
    refused or withdrawn, and overdue invoices to notify to the insurer."""

    _inherit = "credit.alert.rule"

    @api.model
    def _credit_alert_rules(self):
        return [
            *super()._credit_alert_rules(),
            alerts.AlertRule(
                "insurance_event",
                self.env._("Insurance event"),
                self.env._(
                    "A cover expires within the Days, the insurer refused or "
                    "withdrew a cover in the last Days (critical), or the deadline "
                    "to notify it of an overdue invoice falls within the Days "
                    "(critical once passed)."
                ),
                days=30,
                uses=frozenset({alerts.DAYS}),
                sequence=70,
            ),
        ]

    def _credit_alert_insurance_event(self, company, today, settings):
        """Three queries, whatever the number of buyers."""
        days = timedelta(days=settings.days)
        return [
            *self._credit_alert_covers_expiring(company, today, today + days),
            *self._credit_alert_covers_lost(company, today - days, today),
            *self._credit_alert_notices_due(company, today, today + days),
        ]

    def _credit_alert_covers_expiring(self, company, today, until):
        covers = (
            self.env["credit.insurance.cover"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", list(coverage.GRANTED)),
                    ("date_expiry", ">=", today),
                    ("date_expiry", "<=", until),
                ]
            )
        )
        return [
            {
                "partner_id": cover.partner_id.id,
                "event_key": f"cover:{cover.id}:expiry:{cover.date_expiry}",
                "message": self.env._(
                    "The cover of %(amount)s under %(policy)s expires on %(date)s.",
                    amount=format_amount(
                        self.env, cover.amount_approved, cover.currency_id
                    ),
                    policy=cover.policy_id.display_name,
                    date=format_date(self.env, cover.date_expiry),
                ),
                "record": f"{cover._name},{cover.id}",
            }
            for cover in covers
        ]

    def _credit_alert_covers_lost(self, company, since, today):
        decisions = (
            self.env["credit.insurance.cover.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "in", list(LOST_BY_DECISION)),
                    ("date", ">=", since),
                    ("date", "<=", today),
                ]
            )
        )
        labels = dict(decisions._fields["state"]._description_selection(self.env))
        return [
            {
                "partner_id": decision.cover_id.partner_id.id,
                "event_key": f"decision:{decision.id}",
                "severity": alerts.CRITICAL,
                "message": self.env._(
                    "Cover under %(policy)s: %(decision)s by the insurer, effective "
                    "%(date)s.",
                    policy=decision.cover_id.policy_id.display_name,
                    decision=labels[decision.state],
                    date=format_date(self.env, decision.date_effective),
                ),
                "record": f"{decision.cover_id._name},{decision.cover_id.id}",
            }
            for decision in decisions
        ]

    def _credit_alert_notices_due(self, company, today, until):
        overdues = (
            self.env["credit.insurance.overdue"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "to_notify"),
                    ("date_deadline", "<=", until),
                ]
            )
        )
        events = []
        for overdue in overdues:
            values = {
                "invoice": overdue.move_id.display_name,
                "date": format_date(self.env, overdue.date_deadline),
            }
            if overdue.date_deadline < today:
                event = {
                    "event_key": f"overdue:{overdue.id}:late",
                    "severity": alerts.CRITICAL,
                    "message": self.env._(
                        "The insurer was not notified of %(invoice)s by %(date)s: "
                        "the cover is at risk.",
                        **values,
                    ),
                }
            else:
                event = {
                    "event_key": f"overdue:{overdue.id}:deadline",
                    "message": self.env._(
                        "Notify the insurer of the overdue %(invoice)s by %(date)s.",
                        **values,
                    ),
                }
            events.append(
                {
                    "partner_id": overdue.partner_id.id,
                    "record": f"{overdue._name},{overdue.id}",
                    **event,
                }
            )
        return events
