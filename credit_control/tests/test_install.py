from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CreditTestCase

DEFAULT_RULES = {
    "tolerance_pct": 0.0,
    "warning_pct": 80.0,
    "no_limit_action": "unlimited",
    "overdue_days": 0,
    "overdue_amount": 0.0,
}


@tagged("post_install", "-at_install")
class TestReadyOnInstall(CreditTestCase):
    """Installed, the add-on checks orders with nothing more to set than a limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.pallet = cls._create_product(
            name="Pallet",
            lst_price=100.0,
            taxes_id=[Command.clear()],
            invoice_policy="order",
        )
        cls.credit_manager = new_test_user(
            cls.env,
            login="credit_settings_manager",
            groups="base.group_user,credit_control.group_credit_manager",
            company_id=cls.company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="credit_settings_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
        )

    def order(self, partner, amount):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.pallet.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def all_policies(self):
        return (
            self.env["credit.policy"].sudo().with_context(active_test=False).search([])
        )

    def assertDefaultPolicy(self, company):
        policy = company.sudo().credit_policy_id
        self.assertTrue(policy, f"{company.name} has no default credit policy")
        self.assertEqual(policy.company_id, company)
        self.assertRecordValues(policy, [DEFAULT_RULES])
        self.assertEqual(policy.with_context(lang="en_US").name, "Standard")

    # Default policy

    def test_every_company_has_a_default_policy(self):
        companies = (
            self.env["res.company"].sudo().with_context(active_test=False).search([])
        )
        for company in companies:
            policy = company.credit_policy_id
            self.assertTrue(policy, f"{company.name} has no default credit policy")
            self.assertEqual(policy.company_id, company)
        # created after the add-on
        self.assertDefaultPolicy(self.company)
        # there before the add-on: installing gave it a "Standard" policy (that the
        # demo data then replaced by a policy of its own)
        main = self.env.ref("base.main_company")
        self.assertTrue(
            self.all_policies().filtered(
                lambda p: (
                    p.company_id == main
                    and p.with_context(lang="en_US").name == "Standard"
                )
            )
        )

    def test_company_created_later_gets_one(self):
        administrator = new_test_user(
            self.env,
            login="company_administrator",
            groups="base.group_erp_manager,base.group_partner_manager",
        )
        company = (
            self.env["res.company"].with_user(administrator).create({"name": "Later"})
        )
        self.assertDefaultPolicy(company)

    def test_ensure_twice_creates_nothing(self):
        Company = self.env["res.company"]
        before = self.all_policies()
        Company._credit_ensure_default_policy()
        Company._credit_ensure_default_policy()
        self.assertEqual(self.all_policies(), before)
        # a company without default gets its policy with the default rules back...
        policy = self.company.credit_policy_id
        self.company.credit_policy_id = False
        Company._credit_ensure_default_policy()
        self.assertEqual(self.company.credit_policy_id, policy)
        self.assertEqual(self.all_policies(), before)
        # ... or a new one when it has none
        self.company.credit_policy_id = False
        policy.active = False
        self.company._credit_ensure_default_policy()
        self.assertDefaultPolicy(self.company)
        self.assertNotEqual(self.company.credit_policy_id, policy)

    def test_customer_with_only_a_limit_is_held(self):
        customer = self.env["res.partner"].create(
            {"name": "Limit Only", "is_company": True, "credit_limit": 1000.0}
        )
        within = self.order(customer, 600.0)
        within.action_confirm()
        self.assertEqual(within.state, "sale")
        over = self.order(customer, 600.0)
        over.action_confirm()
        self.assertEqual(over.state, "draft")
        self.assertEqual(over.credit_state, "hold")

    def test_one_credit_figure_on_quotations(self):
        self.company.account_use_credit_limit = True
        customer = self.env["res.partner"].create(
            {"name": "One Figure", "is_company": True, "credit_limit": 1000.0}
        )
        quotation = self.order(customer, 1500.0)
        self.assertTrue(quotation.credit_preview)
        self.assertFalse(quotation.partner_credit_warning)
        # without the check, Odoo's own banner is back
        self.company.credit_check_active = False
        quotation.invalidate_recordset()
        self.assertFalse(quotation.credit_preview)
        self.assertTrue(quotation.partner_credit_warning)

    # Default limit

    def test_new_customer_gets_the_default_limit(self):
        self.assertTrue(self.company.credit_check_active)
        self.assertEqual(self.company.credit_default_limit, 0.0)
        self.company.credit_default_limit = 5000.0
        Partner = self.env["res.partner"]
        customer = Partner.create({"name": "New Customer", "is_company": True})
        self.assertEqual(customer.credit_limit, 5000.0)
        person = Partner.with_user(self.salesman).create({"name": "New Person"})
        self.assertEqual(person.sudo().credit_limit, 5000.0)
        # a limit given is kept; a contact shares its company's limit
        cash = Partner.create(
            {"name": "Cash Customer", "is_company": True, "credit_limit": 0.0}
        )
        self.assertEqual(cash.credit_limit, 0.0)
        contact = Partner.create({"name": "Buyer", "parent_id": cash.id})
        self.assertEqual(contact.credit_limit, 0.0)
        # in the current company only
        other = self.setup_other_company(name="Elsewhere")["company"]
        self.assertEqual(customer.with_company(other).credit_limit, 0.0)

    # Settings

    def test_credit_manager_changes_the_settings_without_being_admin(self):
        manager = self.credit_manager
        self.assertFalse(manager.has_group("base.group_system"))
        self.assertFalse(manager.has_group("base.group_erp_manager"))
        # Odoo's settings are for administrators only
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(manager).create({})
        # the Credit ‣ Configuration ‣ Settings menu opens the company's credit form
        menu = self.env.ref("credit_control.menu_credit_settings")
        server_action = self.env.ref("credit_control.credit_company_settings_action")
        self.assertEqual(menu.action, server_action)
        action = server_action.with_user(manager).run()
        self.assertEqual(action["res_model"], "res.company")
        self.assertEqual(action["res_id"], self.company.id)
        Company = self.env["res.company"].with_user(manager)
        arch = Company.get_views(action["views"])["views"]["form"]["arch"]
        self.assertNotIn('edit="False"', arch)
        company = Company.browse(self.company.id)
        policy = self.env["credit.policy"].with_user(manager).create({"name": "Strict"})
        values = {
            "credit_check_active": False,
            "credit_default_limit": 2500.0,
            "credit_policy_id": policy.id,
        }
        result = company.web_save(values, {fname: {} for fname in values})
        self.assertEqual(result[0]["credit_default_limit"], 2500.0)
        self.assertRecordValues(self.company, [values])
        # nothing else of the company
        with self.assertRaises(AccessError):
            company.write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            company.write({"name": "Renamed", "credit_default_limit": 1.0})
        # nor the settings of a company he does not work in
        other = self.setup_other_company(name="Elsewhere")["company"]
        with self.assertRaises(AccessError):
            Company.browse(other.id).write({"credit_default_limit": 1.0})
        self.assertEqual(self.company.name, self.company.sudo().name)

    def test_salesperson_cannot_change_the_settings(self):
        company = self.company.with_user(self.salesman)
        self.assertTrue(company.credit_check_active)
        for vals in (
            {"credit_check_active": False},
            {"credit_default_limit": 1e6},
            {"credit_policy_id": False},
        ):
            with self.assertRaises(AccessError):
                company.write(vals)
        with self.assertRaises(AccessError):
            self.env.ref("credit_control.credit_company_settings_action").with_user(
                self.salesman
            ).run()
        self.assertTrue(self.company.credit_check_active)

    def test_administrator_changes_them_in_the_settings(self):
        settings = self.env["res.config.settings"].create(
            {"credit_check_active": False, "credit_default_limit": 750.0}
        )
        settings.execute()
        self.assertFalse(self.company.credit_check_active)
        self.assertEqual(self.company.credit_default_limit, 750.0)

    # Bad input

    def test_bad_amounts_are_refused_clearly(self):
        customer = self.env["res.partner"].create(
            {"name": "Careful Customer", "is_company": True, "credit_limit": 1000.0}
        )
        bad = (1e308, float("nan"), float("inf"), float("-inf"), -1.0, "abc", "1e400")
        for value in bad:
            with self.subTest(value=value), self.assertRaises(ValidationError):
                customer.write({"credit_limit": value})
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.env["res.partner"].create({"name": "Bad", "credit_limit": value})
            with self.subTest(value=value), self.assertRaises(ValidationError):
                self.company.write({"credit_default_limit": value})
        with self.assertRaises(ValidationError):
            customer.write(
                {"credit_limit_temp": "lots", "credit_limit_temp_end": "2999-01-01"}
            )
        self.assertEqual(customer.credit_limit, 1000.0)
        self.assertEqual(self.company.credit_default_limit, 0.0)
        # a large but sane figure, and a number given as text, are accepted
        customer.write({"credit_limit": "2500.5"})
        self.assertEqual(customer.credit_limit, 2500.5)
        customer.write({"credit_limit": 1e12})
        self.assertEqual(customer.credit_limit, 1e12)
