from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..lib import alerts

SEVERITY_SELECTION = [
    (alerts.INFO, "Information"),
    (alerts.WARNING, "Warning"),
    (alerts.CRITICAL, "Critical"),
]
CONTROLLER_GROUP = "credit_control.group_credit_controller"
USER_GROUP = "credit_control.group_credit_user"
# What the evaluation and the buttons set, nothing else.
EVALUATION_FIELDS = {
    "company_id",
    "partner_id",
    "rule_code",
    "severity",
    "message",
    "state",
    "date_raised",
    "acknowledged_by_id",
    "date_acknowledged",
    "resolved_by_id",
    "date_resolved",
    "res_model",
    "res_id",
    "event_key",
    "digest_sent",
}
# The most alerts a digest lists; it counts the others.
DIGEST_LINES = 100


class CreditAlert(models.Model):
    """An early warning on a customer: raised once per event by the daily
    evaluation of the alert rules (``credit.alert.rule``, where rules are added),
    then acknowledged and resolved by the credit staff, or resolved by itself when
    its rule says its condition ended."""

    _name = "credit.alert"
    _description = "Credit Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_raised desc, id desc"
    _mail_post_access = "read"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    rule_code = fields.Selection(
        selection="_selection_rule_code", string="Rule", required=True, readonly=True
    )
    severity = fields.Selection(
        SEVERITY_SELECTION, required=True, readonly=True, default=alerts.WARNING
    )
    message = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        help="The customer's salesperson, else a credit manager of the company.",
    )
    state = fields.Selection(
        [("new", "New"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")],
        string="Status",
        default="new",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    date_raised = fields.Datetime(
        string="Raised On", required=True, readonly=True, default=fields.Datetime.now
    )
    acknowledged_by_id = fields.Many2one("res.users", readonly=True)
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True)
    resolved_by_id = fields.Many2one(
        "res.users",
        readonly=True,
        help="Empty when the alert resolved itself, its condition having ended.",
    )
    date_resolved = fields.Datetime(string="Resolved On", readonly=True)
    res_model = fields.Char(string="Source Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Source Record", model_field="res_model", readonly=True
    )
    event_key = fields.Char(
        required=True,
        readonly=True,
        help="What the alert is about, for its rule: an alert is raised once per key.",
    )
    digest_sent = fields.Boolean(readonly=True, copy=False)

    _event_uniq = models.Constraint(
        "unique(company_id, rule_code, event_key)",
        "An alert is raised once per event.",
    )
    _digest_idx = models.Index("(company_id) WHERE digest_sent IS NOT TRUE")

    @api.model
    def _selection_rule_code(self):
        return self.env["credit.alert.rule"]._selection_code()

    @api.depends("rule_code", "partner_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        labels = dict(self._fields["rule_code"]._description_selection(self.env))
        for alert in self:
            alert.display_name = " - ".join(
                part
                for part in (
                    labels.get(alert.rule_code, alert.rule_code),
                    alert.partner_id.display_name,
                )
                if part
            )

    def write(self, vals):
        if not self.env.su and EVALUATION_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "Alerts are raised by the daily evaluation: acknowledge or "
                    "resolve them with their buttons."
                )
            )
        return super().write(vals)

    # Acting on alerts

    def _check_alert_rights(self):
        """Credit Controllers act on the alerts they see; Credit Users on those
        they are responsible for."""
        self.check_access("read")
        user = self.env.user
        if self.env.su or user.has_group(CONTROLLER_GROUP):
            return
        if user.has_group(USER_GROUP) and all(a.user_id == user for a in self):
            return
        raise AccessError(
            self.env._(
                "Only a Credit Controller, or the Credit User responsible for it, "
                "can acknowledge or resolve an alert."
            )
        )

    def action_acknowledge(self):
        self._check_alert_rights()
        if any(alert.state != "new" for alert in self):
            raise UserError(self.env._("Only new alerts can be acknowledged."))
        self.sudo().write(
            {
                "state": "acknowledged",
                "acknowledged_by_id": self.env.uid,
                "date_acknowledged": fields.Datetime.now(),
            }
        )
        return True

    def action_resolve(self):
        self._check_alert_rights()
        if any(alert.state == "resolved" for alert in self):
            raise UserError(self.env._("This alert is already resolved."))
        self.sudo().write(
            {
                "state": "resolved",
                "resolved_by_id": self.env.uid,
                "date_resolved": fields.Datetime.now(),
            }
        )
        return True

    def action_open_source(self):
        """Open the record the alert is about."""
        self.ensure_one()
        source = (
            self.env[self.res_model].browse(self.res_id).exists()
            if self.res_model in self.env
            else None
        )
        if not source:
            raise UserError(
                self.env._("The record this alert is about no longer exists.")
            )
        source.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": source._name,
            "res_id": source.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # Raising alerts

    @api.model
    def _credit_raise(self, company, found, episodic):
        """Raise in ``company`` the alerts of the events ``found``, ``(rule code,
        event)`` pairs, not raised yet, and resolve the open alerts of the
        ``episodic`` rules whose customer has no event any more.  Return the new
        alerts.  A few queries whatever the number of customers."""
        Alert = self.sudo()
        keys = list({event["event_key"] for _code, event in found})
        known = {
            (alert.rule_code, alert.event_key)
            for alert in Alert.search_fetch(
                [("company_id", "=", company.id), ("event_key", "in", keys)],
                ["rule_code", "event_key"],
            )
        }
        open_episodes = {
            (alert.rule_code, alert.partner_id.id): alert.id
            for alert in Alert.search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("rule_code", "in", list(episodic)),
                    ("state", "!=", "resolved"),
                ],
                ["rule_code", "partner_id"],
            )
        }
        to_raise, to_close = alerts.sort_out(found, known, open_episodes, episodic)
        Alert.browse(to_close).write(
            {
                "state": "resolved",
                "resolved_by_id": False,
                "date_resolved": fields.Datetime.now(),
            }
        )
        responsible = self._credit_responsible(
            company, {event["partner_id"] for _code, event in to_raise}
        )
        values = []
        for code, event in to_raise:
            model, _sep, res_id = (event.get("record") or "").partition(",")
            values.append(
                {
                    "company_id": company.id,
                    "partner_id": event["partner_id"],
                    "rule_code": code,
                    "severity": event["severity"],
                    "message": event.get("message"),
                    "user_id": responsible[event["partner_id"]].id,
                    "event_key": event["event_key"],
                    "res_model": model or False,
                    "res_id": int(res_id) if res_id else False,
                }
            )
        # No message, follower nor notification per alert: the digest tells.
        return Alert.with_context(tracking_disable=True).create(values)

    @api.model
    def _credit_responsible(self, company, partner_ids):
        """Per commercial partner id: its salesperson when an active internal user
        of ``company``, else the company's first credit manager."""
        manager = company._credit_managers()[:1]
        responsible = {}
        for partner in self.env["res.partner"].sudo().browse(partner_ids):
            user = partner.user_id
            usable = user.active and not user.share and company in user.company_ids
            responsible[partner.id] = user if usable else manager
        return responsible

    # The daily run

    @api.model
    def _cron_evaluate(self):
        """Evaluate the alert rules of every company checking credit, then send
        the credit managers their digest."""
        today = fields.Date.context_today(self)
        for company in (
            self.env["res.company"].sudo().search([("credit_check_active", "=", True)])
        ):
            self.env["credit.alert.rule"]._credit_evaluate(company, today)
        self._credit_send_digests()

    @api.model
    def _credit_send_digests(self):
        """Send each credit manager of each company, through the mail queue, the
        alerts raised since the last digest that are still open; nothing when there
        are none."""
        pending = self.sudo().search([("digest_sent", "=", False)])
        template = self.env.ref("credit_control.mail_template_credit_alert_digest")
        for company in pending.company_id:
            listed = pending.filtered(
                lambda a, company=company: a.company_id == company
                and a.state != "resolved"
            ).sorted(
                lambda a: (alerts.by_severity(a.severity), a.partner_id.name or "")
            )
            managers = company._credit_managers()
            if not listed or not managers:
                continue
            template.sudo().with_company(company).with_context(
                credit_alert_ids=tuple(listed[:DIGEST_LINES].ids),
                credit_alert_more=max(len(listed) - DIGEST_LINES, 0),
            ).send_mail_batch(managers.ids)
        pending.write({"digest_sent": True})
