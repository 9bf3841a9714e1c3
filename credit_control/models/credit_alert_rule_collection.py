from datetime import timedelta

from odoo import api, models

from ..lib import alerts


class CreditAlertRule(models.Model):
    """The alerts on broken promises to pay and payment plans, and on guarantees
    ending soon."""

    _inherit = "credit.alert.rule"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _credit_alert_rules(self):
        days = frozenset({alerts.DAYS})
        return [
            *super()._credit_alert_rules(),
            alerts.AlertRule(
                "broken_promise",
                self.env._("Broken promise"),
                self.env._(
                    "A promise to pay or a payment plan broke in the last Days."
                ),
                severity=alerts.CRITICAL,
                days=7,
                uses=days,
                sequence=25,
            ),
            alerts.AlertRule(
                "guarantee_expiring",
                self.env._("Guarantee expiring"),
                self.env._("A valid guarantee ends within the Days."),
                days=30,
                uses=days,
                sequence=45,
            ),
        ]

    def _credit_alert_broken_promise(self, company, today, settings):
        since = today - timedelta(days=settings.days)
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "broken"),
            ("write_date", ">=", since),
        ]
        return [
            {
                "partner_id": record.partner_id.commercial_partner_id.id,
                "event_key": f"{record._name}:{record.id}",
                "message": self.env._(
                    "%(record)s was not kept.", record=record.display_name
                ),
                "record": f"{record._name},{record.id}",
            }
            for model in ("credit.promise", "credit.payment.plan")
            for record in self.env[model].sudo().search(domain)
        ]

    def _credit_alert_guarantee_expiring(self, company, today, settings):
        guarantees = (
            self.env["credit.guarantee"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "valid"),
                    ("date_end", ">=", today),
                    ("date_end", "<=", today + timedelta(days=settings.days)),
                ]
            )
        )
        return [
            {
                "partner_id": guarantee.partner_id.id,
                "event_key": f"{guarantee.id}:{guarantee.date_end}",
                "message": self.env._(
                    "%(guarantee)s ends on %(date)s.",
                    guarantee=guarantee.display_name,
                    date=guarantee.date_end,
                ),
                "record": f"credit.guarantee,{guarantee.id}",
            }
            for guarantee in guarantees
        ]
