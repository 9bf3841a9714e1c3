from odoo import api, fields, models
from odoo.tools.misc import format_date, formatLang

from ..lib import coverage


class CreditHoldReason(models.Model):
    _inherit = "credit.hold.reason"

    @api.model
    def _credit_reason_labels(self):
        return {
            **super()._credit_reason_labels(),
            coverage.OVER_COVER: self.env._("Above insurance cover"),
            coverage.NO_COVER: self.env._("No insurance cover"),
            coverage.STOP_DELIVERY: self.env._("Insurer's stop-delivery date passed"),
            coverage.TERMS: self.env._("Payment terms beyond the insured terms"),
        }

    @api.model
    def _message(self, code, values, currency):
        if code not in coverage.REASONS or not values:
            return super()._message(code, values, currency)

        def money(key):
            return formatLang(self.env, values.get(key, 0.0), currency_obj=currency)

        if code == coverage.OVER_COVER:
            if values.get("source") == coverage.SELF_ASSESSED:
                return self.env._(
                    "The insurable exposure with this order, %(insurable)s, goes "
                    "beyond the policy's discretionary limit of %(cover)s by "
                    "%(excess)s.",
                    insurable=money("insurable"),
                    cover=money("cover"),
                    excess=money("excess"),
                )
            return self.env._(
                "The insurable exposure with this order, %(insurable)s, goes beyond "
                "the insurer's cover of %(cover)s by %(excess)s.",
                insurable=money("insurable"),
                cover=money("cover"),
                excess=money("excess"),
            )
        if code == coverage.NO_COVER:
            states = dict(
                self.env["credit.insurance.cover"]
                ._fields["state"]
                ._description_selection(self.env)
            )
            return self.env._(
                "The insurer's cover of this customer is %(state)s: its orders are "
                "not insured.",
                state=states.get(values["status"], values["status"]).lower(),
            )
        if code == coverage.STOP_DELIVERY:
            return self.env._(
                "The oldest unpaid invoice is past the insurer's maximum extension "
                "period of %(days)s days since %(date)s: deliveries are no longer "
                "insured.",
                days=values["mep_days"],
                date=format_date(
                    self.env, fields.Date.to_date(values["stop_delivery"])
                ),
            )
        return self.env._(
            "The payment terms of this order (%(days)s days) are longer than the "
            "%(max_days)s days the insurance policy covers.",
            days=values["payment_days"],
            max_days=values["max_credit_days"],
        )
