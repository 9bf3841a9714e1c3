from datetime import timedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditTestCase(AccountTestInvoicingCommon):
    """A company of its own with a chart of accounts, run by a credit and sales
    manager."""

    @classmethod
    def get_default_groups(cls):
        return (
            super().get_default_groups()
            | cls.env.ref("credit_control.group_credit_manager")
            | cls.env.ref("sales_team.group_sale_manager")
        )


class CreditCommon(CreditTestCase):
    """With a credit policy of its own and a customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.currency = cls.env.company.currency_id
        cls.tax_10 = cls.env["account.tax"].create(
            {
                "name": "Sales 10 %",
                "amount": 10,
                "amount_type": "percent",
                "type_tax_use": "sale",
            }
        )
        cls.pallet = cls._create_product(
            name="Pallet",
            lst_price=100.0,
            taxes_id=[Command.clear()],
            invoice_policy="order",
        )
        cls.policy = cls.env["credit.policy"].create(
            {"name": "Standard", "warning_pct": 80}
        )
        cls.env.company.credit_policy_id = cls.policy
        cls.customer = cls.env["res.partner"].create(
            {"name": "Credit Customer", "is_company": True, "credit_limit": 1000.0}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer", "parent_id": cls.customer.id, "type": "invoice"}
        )

    @classmethod
    def order(cls, amount, partner=None, taxes=None, confirm=False, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.pallet.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.set(taxes.ids if taxes else [])],
                        }
                    )
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def invoice(
        cls,
        amount,
        partner=None,
        days_overdue=0,
        post=True,
        move_type="out_invoice",
        **values,
    ):
        due = cls.today - timedelta(days=days_overdue)
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=[],
            partner_id=(partner or cls.customer).id,
            move_type=move_type,
            invoice_date=due,
            invoice_date_due=due,
            post=post,
            **values,
        )

    def figures(self, partner=None):
        partner = (partner or self.customer).with_company(self.env.company)
        partner.invalidate_recordset()
        return partner

    @classmethod
    def unapplied_payment(cls, amount, partner=None):
        """A posted payment of the customer not reconciled with any invoice."""
        payment = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "line_ids": [
                    Command.create(
                        {
                            "account_id": cls.company_data[
                                "default_account_receivable"
                            ].id,
                            "partner_id": (partner or cls.customer).id,
                            "credit": amount,
                        }
                    ),
                    Command.create(
                        {
                            "account_id": cls.company_data["default_account_assets"].id,
                            "debit": amount,
                        }
                    ),
                ],
            }
        )
        payment.action_post()
        return payment
