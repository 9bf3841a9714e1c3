from odoo import api, fields, models

LIMIT_FIELDS = ("credit_limit", "credit_limit_temp", "credit_limit_temp_end")


class ResPartner(models.Model):
    """Every change of a customer's credit limit or temporary limit is kept."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _credit_limit_values(self):
        """The limits of the commercial partners of ``self`` in the current
        company: commercial partner id -> (limit, temporary limit, its end)."""
        return {
            partner.id: (
                partner.credit_limit,
                partner.credit_limit_temp,
                partner.credit_limit_temp_end,
            )
            for partner in self.sudo().commercial_partner_id
        }

    def _credit_limit_snapshot(self, vals):
        """The limits before a write of ``vals``, if it may change them."""
        if not any(fname in vals for fname in LIMIT_FIELDS):
            return {}
        return self._credit_limit_values()

    def _credit_log_limits(self, vals, old):
        """A history line per limit of the customers changed by the write of
        ``vals``, from the limits ``old`` before it; the source and the reason come
        from the context keys ``credit_limit_source`` and ``credit_limit_reason``."""
        if not old:
            return
        company = self.env.company
        currency = company.currency_id
        context = self.env.context
        common = {
            "company_id": company.id,
            "user_id": self.env.uid,
            "source": context.get("credit_limit_source") or "manual",
            "reason": context.get("credit_limit_reason") or False,
        }
        lines = []
        new = self.browse(list(old)).with_company(company)._credit_limit_values()
        for partner_id, (limit, temp, temp_end) in old.items():
            new_limit, new_temp, new_end = new.get(partner_id, (limit, temp, temp_end))
            if currency.compare_amounts(limit, new_limit):
                lines.append(
                    {
                        **common,
                        "partner_id": partner_id,
                        "kind": "limit",
                        "old_amount": limit,
                        "new_amount": new_limit,
                    }
                )
            if currency.compare_amounts(temp, new_temp) or temp_end != new_end:
                lines.append(
                    {
                        **common,
                        "partner_id": partner_id,
                        "kind": "temporary",
                        "old_amount": temp,
                        "new_amount": new_temp,
                        "date_end": new_end or temp_end,
                    }
                )
        if lines:
            self.env["credit.limit.history"].sudo().create(lines)

    @api.model
    def _cron_credit_expire_temporary_limits(self):
        """Take off the temporary limits past their end date in every company
        checking credit."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search(
            [("credit_check_active", "=", True)]
        ):
            Partner = self.with_company(company).sudo().with_context(active_test=False)
            expired = Partner.search(
                [
                    ("credit_limit_temp_end", "<", today),
                    ("credit_limit_temp", "!=", 0),
                ]
            )
            if expired:
                expired.with_context(
                    credit_limit_source="expiry",
                    credit_limit_reason=self.env._("The temporary limit ended."),
                ).write({"credit_limit_temp": 0.0, "credit_limit_temp_end": False})

    def action_credit_open_limit_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_limit_history_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        return action
