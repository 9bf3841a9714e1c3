from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_amount, format_date

from ..lib import alerts, credit_rules
from .credit_alert import SEVERITY_SELECTION
from .res_company import credit_amount

MANAGER_GROUP = "credit_control.group_credit_manager"
MAX_DAYS = 3660


class CreditAlertRule(models.Model):
    """A rule of the early warnings in a company: whether it runs, how severe its
    alerts are and its thresholds.

    :meth:`_credit_alert_rules` defines the rules.  Every day
    :meth:`_credit_evaluate` calls, for each rule a company enabled, its method
    ``_credit_alert_<code>(company, today, settings)`` (``settings``: an
    ``alerts.RuleSettings``), which returns the events it finds, dicts of
    ``partner_id`` (the commercial partner), ``event_key``, ``message`` and
    optionally ``severity`` (the rule's otherwise) and ``record`` (``"model,id"``
    of what the alert is about).  ``credit.alert`` raises one alert per rule, company
    and event key, so an event found again the next day raises nothing.

    Adding a rule takes its definition and its method, as the scoring rules do in
    ``credit_alert_rule_scoring.py``; e.g. broken promises::

        class CreditAlertRule(models.Model):
            _inherit = "credit.alert.rule"

            def _credit_alert_rules(self):
                return [
                    *super()._credit_alert_rules(),
                    alerts.AlertRule(
                        "broken_promise",
                        self.env._("Broken promise"),
                        self.env._("A promise to pay or an instalment was missed."),
                        severity=alerts.CRITICAL,
                        sequence=25,
                    ),
                ]

            def _credit_alert_broken_promise(self, company, today, settings):
                return [
                    {
                        "partner_id": promise.partner_id.commercial_partner_id.id,
                        "event_key": f"{promise._name}:{promise.id}",
                        "message": self.env._("%(promise)s was not kept.",
                                              promise=promise.display_name),
                        "record": f"{promise._name},{promise.id}",
                    }
                    for promise in self.env["credit.promise"]._credit_broken(
                        company, today
                    )
                ]

    A guarantee ending soon is the same with ``uses=frozenset({alerts.DAYS})``, the
    guarantees whose ``date_end`` falls within ``settings.days`` and the key
    ``f"{guarantee.id}:{guarantee.date_end}"``.  Each company gets the settings of
    a new rule, with its defaults, on the next upgrade or evaluation.
    """

    _name = "credit.alert.rule"
    _description = "Credit Alert Rule"
    _order = "company_id, sequence, id"

    code = fields.Selection(
        selection="_selection_code", string="Rule", required=True, readonly=True
    )
    name = fields.Char(compute="_compute_definition")
    description = fields.Text(compute="_compute_definition")
    uses_amount = fields.Boolean(compute="_compute_definition")
    uses_pct = fields.Boolean(compute="_compute_definition")
    uses_days = fields.Boolean(compute="_compute_definition")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    enabled = fields.Boolean(default=True, help="Only enabled rules raise alerts.")
    severity = fields.Selection(SEVERITY_SELECTION, required=True, default="warning")
    threshold_amount = fields.Monetary(string="Amount")
    threshold_pct = fields.Float(string="Percentage")
    days = fields.Integer()

    _code_uniq = models.Constraint(
        "unique(company_id, code)", "A company has one setting per alert rule."
    )

    @api.model
    def _selection_code(self):
        return [(rule.code, rule.label) for rule in self._credit_alert_rules()]

    @api.depends("code")
    @api.depends_context("lang")
    def _compute_definition(self):
        definitions = {rule.code: rule for rule in self._credit_alert_rules()}
        for setting in self:
            rule = definitions.get(setting.code) or alerts.AlertRule(setting.code, "")
            setting.name = rule.label or setting.code
            setting.description = rule.description
            setting.uses_amount = alerts.AMOUNT in rule.uses
            setting.uses_pct = alerts.PCT in rule.uses
            setting.uses_days = alerts.DAYS in rule.uses

    @api.constrains("threshold_amount", "threshold_pct", "days")
    def _check_thresholds(self):
        for setting in self:
            credit_amount(
                self.env, setting.threshold_amount, self._fields["threshold_amount"]
            )
            if (
                setting.currency_id.compare_amounts(setting.threshold_amount, 0) < 0
                or not 0 <= setting.threshold_pct <= 100
                or not 0 <= setting.days <= MAX_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "The thresholds of an alert rule are an amount of at least "
                        "0, a percentage from 0 to 100 and from 0 to %(days)s days.",
                        days=MAX_DAYS,
                    )
                )

    def _check_rule_rights(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Credit Manager can change the alert rules.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_rule_rights()
        return super().create(vals_list)

    def write(self, vals):
        self._check_rule_rights()
        return super().write(vals)

    # The rules

    @api.model
    def _credit_alert_rules(self):
        """The rules of the early warnings, ``alerts.AlertRule``; add-ons append
        theirs with ``super()`` (see the class)."""
        return [
            alerts.AlertRule(
                "new_overdue",
                self.env._("New overdue"),
                self.env._(
                    "A customer owes more than the Amount past its due dates, for "
                    "more than the Days. Resolved once under the Amount again; the "
                    "next overdue raises a new alert."
                ),
                uses=frozenset({alerts.AMOUNT, alerts.DAYS}),
                episodic=True,
                sequence=10,
            ),
            alerts.AlertRule(
                "utilisation_warning",
                self.env._("Limit nearly used"),
                self.env._(
                    "A customer's exposure reaches the Percentage of its limit "
                    "(0: the warning percentage of its credit policy), under 100 %. "
                    "Resolved once under it again."
                ),
                uses=frozenset({alerts.PCT}),
                episodic=True,
                sequence=20,
            ),
            alerts.AlertRule(
                "utilisation_over",
                self.env._("Limit exceeded"),
                self.env._(
                    "A customer's exposure reaches 100 % of its limit. Resolved once "
                    "under it again."
                ),
                severity=alerts.CRITICAL,
                episodic=True,
                sequence=30,
            ),
            alerts.AlertRule(
                "limit_expiring",
                self.env._("Temporary limit ending"),
                self.env._("A customer's temporary limit ends within the Days."),
                severity=alerts.INFO,
                days=14,
                uses=frozenset({alerts.DAYS}),
                sequence=40,
            ),
        ]

    @api.model
    def _credit_ensure_default_rules(self, companies=None):
        """Give every company in ``companies`` (every company when not given) the
        settings of each rule it lacks, with the rule's defaults.  Idempotent; run
        on install, on each upgrade, for each new company and before evaluating."""
        Setting = self.sudo().with_context(active_test=False)
        domain = [("id", "in", companies.ids)] if companies else []
        companies = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search(domain)
        )
        existing = set(
            Setting._read_group(
                [("company_id", "in", companies.ids)], ["company_id", "code"]
            )
        )
        rules = self._credit_alert_rules()
        Setting.create(
            [
                {
                    "company_id": company.id,
                    "code": rule.code,
                    "sequence": rule.sequence,
                    "severity": rule.severity,
                    "threshold_amount": rule.amount,
                    "threshold_pct": rule.pct,
                    "days": rule.days,
                }
                for company in companies
                for rule in rules
                if (company, rule.code) not in existing
            ]
        )
        return True

    # The evaluation

    @api.model
    def _credit_evaluate(self, company, today):
        """Evaluate the rules ``company`` enabled on ``today``: raise the alerts of
        the events not raised yet and resolve those whose episode ended.  Return
        the new alerts."""
        self._credit_ensure_default_rules(company)
        Setting = (
            self.sudo()
            .with_company(company)
            .with_context(lang=company.partner_id.lang or "en_US")
        )
        definitions = {rule.code: rule for rule in Setting._credit_alert_rules()}
        settings = Setting.search(
            [("company_id", "=", company.id), ("enabled", "=", True)]
        ).filtered(lambda s: s.code in definitions)
        shared = {}
        found = []
        for setting in settings:
            events = getattr(Setting, f"_credit_alert_{setting.code}")(
                company,
                today,
                alerts.RuleSettings(
                    setting.severity,
                    setting.threshold_amount,
                    setting.threshold_pct,
                    setting.days,
                    shared,
                ),
            )
            found += [
                (setting.code, {"severity": setting.severity, **event})
                for event in events
            ]
        episodic = {s.code for s in settings if definitions[s.code].episodic}
        return Setting.env["credit.alert"]._credit_raise(company, found, episodic)

    def _credit_alert_exposures(self, company, today, settings):
        """Per commercial partner, ``(policy, exposure, limit)`` of every customer
        of ``company``, as the credit check judges them: computed once for all the
        rules of an evaluation (one query)."""
        if "judged" not in settings.shared:
            Exposure = self.env["credit.exposure"].sudo().with_company(company)
            exposures = Exposure._compute_exposures(company)
            settings.shared["judged"] = Exposure._credit_judge(
                company, exposures, today
            )
        return settings.shared["judged"]

    def _credit_alert_new_overdue(self, company, today, settings):
        currency = company.currency_id
        events = []
        judged = self._credit_alert_exposures(company, today, settings)
        for partner_id, (_policy, exposure, _limit) in judged.items():
            since = exposure.dates.get(credit_rules.OVERDUE)
            days = exposure.overdue_days(today)
            if (
                not since
                or days <= settings.days
                or currency.compare_amounts(exposure.overdue, settings.amount) <= 0
            ):
                continue
            events.append(
                {
                    "partner_id": partner_id,
                    "event_key": f"{partner_id}:{since}",
                    "message": self.env._(
                        "%(amount)s overdue since %(date)s (%(days)s days).",
                        amount=format_amount(self.env, exposure.overdue, currency),
                        date=format_date(self.env, since),
                        days=days,
                    ),
                }
            )
        return events

    def _credit_alert_utilisation_warning(self, company, today, settings):
        return self._credit_alert_utilisation(
            company, today, settings, alerts.NEAR_LIMIT
        )

    def _credit_alert_utilisation_over(self, company, today, settings):
        return self._credit_alert_utilisation(
            company, today, settings, alerts.OVER_LIMIT
        )

    def _credit_alert_utilisation(self, company, today, settings, level):
        """The customers whose utilisation is at ``level`` today; the key holds the
        day: while its alert is open the episode raises nothing more, once resolved
        the next crossing raises a new one."""
        currency = company.currency_id
        events = []
        judged = self._credit_alert_exposures(company, today, settings)
        for partner_id, (policy, exposure, limit) in judged.items():
            if limit <= 0:
                continue
            warning_pct = settings.pct or (
                policy._credit_snapshot().settings.get("warning_pct") if policy else 0
            )
            utilisation = credit_rules.utilisation_pct(limit, exposure.total)
            if alerts.utilisation_level(utilisation, warning_pct) != level:
                continue
            events.append(
                {
                    "partner_id": partner_id,
                    "event_key": f"{partner_id}:{today}",
                    "message": self.env._(
                        "Exposure of %(exposure)s, %(utilisation)s %% of the limit "
                        "of %(limit)s.",
                        exposure=format_amount(self.env, exposure.total, currency),
                        utilisation=f"{utilisation:.0f}",
                        limit=format_amount(self.env, limit, currency),
                    ),
                }
            )
        return events

    def _credit_alert_limit_expiring(self, company, today, settings):
        currency = company.currency_id
        events = []
        judged = self._credit_alert_exposures(company, today, settings)
        for partner_id, (_policy, exposure, _limit) in judged.items():
            temporary = exposure.profile.get("credit_limit_temp")
            end = exposure.profile.get("credit_limit_temp_end")
            if not temporary or not alerts.ends_within(end, today, settings.days):
                continue
            events.append(
                {
                    "partner_id": partner_id,
                    "event_key": f"{partner_id}:{end}",
                    "message": self.env._(
                        "The temporary limit of %(amount)s ends on %(date)s.",
                        amount=format_amount(self.env, float(temporary), currency),
                        date=format_date(self.env, end),
                    ),
                }
            )
        return events
