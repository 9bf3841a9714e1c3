from datetime import timedelta

from odoo.addons.credit_control.tests.common import CreditCommon


class InsuranceCommon(CreditCommon):
    """credit_control's company and customer, insured by a policy that covers
    90 % of invoices up to 60 days' terms without tax, with a maximum extension
    period of 30 days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.credit_limit = 100000.0
        cls.insurer = cls.env["res.partner"].create(
            {"name": "Trade Credit Insurer", "is_company": True}
        )
        cls.insurance = cls.env["credit.insurance.policy"].create(
            {
                "name": "Whole turnover",
                "number": "TC-001",
                "insurer_id": cls.insurer.id,
                "insured_pct": 90.0,
                "max_credit_days": 60,
                "mep_days": 30,
                "date_start": cls.today - timedelta(days=365),
            }
        )

    @classmethod
    def cover(cls, amount, partner=None, effective=None, **values):
        """An approved cover of ``amount`` for the customer."""
        cover = cls.env["credit.insurance.cover"].create(
            {
                "policy_id": cls.insurance.id,
                "partner_id": (partner or cls.customer).id,
                "amount_requested": amount,
                "date_effective": effective or cls.today - timedelta(days=30),
                **values,
            }
        )
        cover.action_request()
        cover._record_decision(
            "approved", amount, cls.today, effective or cls.today - timedelta(days=30)
        )
        return cover

    @classmethod
    def sold(
        cls, amount, terms_days=30, days_overdue=0, partner=None, taxes=None, **values
    ):
        """A posted invoice of ``amount`` due ``terms_days`` after its date, and
        ``days_overdue`` days ago."""
        due = cls.today - timedelta(days=days_overdue)
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=taxes.ids if taxes else [],
            partner_id=(partner or cls.customer).id,
            invoice_date=due - timedelta(days=terms_days),
            invoice_date_due=due,
            post=True,
            **values,
        )
