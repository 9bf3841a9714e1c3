from markupsafe import Markup

from odoo import fields, models


class ResPartner(models.Model):
    """The documents behind a customer's credit figures, opened from its Credit tab."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _credit_open(self, model, domain, name, empty, list_view):
        """The documents behind a figure; ``empty`` says there are none, and
        ``list_view`` shows no sample records in their place."""
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "views": [(self.env.ref(list_view).id, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
            "help": Markup('<p class="o_view_nocontent_empty_folder">%s</p>') % empty,
        }

    def action_credit_open_receivable(self):
        self.ensure_one()
        return self._credit_open(
            "account.move.line",
            [
                ("partner_id", "child_of", self.commercial_partner_id.id),
                ("company_id", "child_of", self.env.company.root_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ],
            self.env._("Open Receivable"),
            self.env._("This customer has no open receivable in this company."),
            "credit_control.account_move_line_view_list_credit",
        )

    def action_credit_open_overdue(self):
        action = self.action_credit_open_receivable()
        action["domain"] += [
            ("date_maturity", "<", fields.Date.context_today(self)),
            ("amount_residual", ">", 0),
        ]
        action["name"] = self.env._("Overdue")
        action["help"] = Markup('<p class="o_view_nocontent_empty_folder">%s</p>') % (
            self.env._("This customer has nothing overdue in this company.")
        )
        return action

    def action_credit_open_draft_invoices(self):
        self.ensure_one()
        return self._credit_open(
            "account.move",
            [
                ("commercial_partner_id", "=", self.commercial_partner_id.id),
                ("company_id", "child_of", self.env.company.root_id.id),
                ("state", "=", "draft"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            self.env._("Draft Invoices"),
            self.env._("This customer has no draft invoice in this company."),
            "credit_control.account_move_view_list_credit",
        )

    def action_credit_open_orders(self):
        self.ensure_one()
        return self._credit_open(
            "sale.order",
            [
                (
                    f"{self.env.company._credit_order_partner_field()}"
                    ".commercial_partner_id",
                    "=",
                    self.commercial_partner_id.id,
                ),
                ("company_id", "child_of", self.env.company.root_id.id),
                ("state", "=", "sale"),
                ("invoice_status", "!=", "invoiced"),
            ],
            self.env._("Orders Not Invoiced"),
            self.env._("This customer has no order left to invoice in this company."),
            "credit_control.sale_order_view_list_credit",
        )

    def action_credit_open_holds(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_control.credit_hold_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action
