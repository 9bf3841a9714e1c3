from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestScreens(CreditCommon):
    """What the screens call: the hold banner, release requests, the figure links,
    the customer list and the mass update of limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="screens_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="screens_other_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=company.id,
        )
        cls.manager = new_test_user(
            cls.env,
            login="screens_manager",
            groups="sales_team.group_sale_salesman,credit_control.group_credit_manager",
            company_id=company.id,
        )

    def held_order(self):
        order = self.order(1500.0, user_id=self.salesman.id)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.credit_state, "hold")
        return order

    def test_banner_opens_the_hold(self):
        order = self.held_order()
        for user in (self.salesman, self.manager):
            action = order.with_user(user).action_credit_open_hold()
            self.assertEqual(action["res_model"], "credit.hold")
            self.assertEqual(action["res_id"], order.credit_hold_ids.id)
            hold = self.env["credit.hold"].with_user(user).browse(action["res_id"])
            self.assertEqual(hold.read(["state"])[0]["state"], "pending")
        with self.assertRaises(UserError):
            self.order(100.0).action_credit_open_hold()

    def test_request_release_notifies_the_managers_internally(self):
        order = self.held_order()
        hold = order.credit_hold_ids
        action = order.with_user(self.salesman).action_credit_request_release()
        self.assertEqual(action["params"]["type"], "success")
        request = hold.message_ids.filtered(lambda m: "asks for the release" in m.body)
        self.assertEqual(len(request), 1)
        self.assertEqual(request.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(request.author_id, self.salesman.partner_id)
        self.assertIn(self.manager.partner_id, request.partner_ids)
        self.assertFalse(request.partner_ids.filtered("partner_share"))
        self.assertEqual(hold.state, "pending")
        with self.assertRaises(AccessError):
            hold.with_user(self.other_salesman).action_request_release()
        hold.action_release("Paid in advance")
        with self.assertRaises(UserError):
            hold.with_user(self.salesman).action_request_release()

    def test_the_customer_is_never_addressed_on_a_hold(self):
        hold = self.held_order().credit_hold_ids
        customers = self.customer | self.contact
        self.assertFalse(hold.message_partner_ids & customers)
        suggested = hold.with_user(self.salesman)._message_get_suggested_recipients()
        self.assertFalse({r["partner_id"] for r in suggested} & set(customers.ids))
        with self.assertRaises(UserError):
            hold.with_user(self.salesman).message_post(
                body="Your order is blocked",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.contact.ids,
            )
        hold.with_user(self.salesman).message_post(
            body="They paid yesterday",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=self.manager.partner_id.ids,
        )

    def test_figure_links_open_real_records_only(self):
        self.invoice(300.0, days_overdue=10)
        for method in (
            "action_credit_open_receivable",
            "action_credit_open_overdue",
            "action_credit_open_draft_invoices",
            "action_credit_open_orders",
        ):
            action = getattr(self.customer, method)()
            self.assertIn("o_view_nocontent", action["help"], method)
            view_id, view_type = action["views"][0]
            self.assertEqual(view_type, "list")
            arch = self.env[action["res_model"]].get_views([(view_id, "list")])[
                "views"
            ]["list"]["arch"]
            self.assertNotIn('sample="1"', arch, method)
            if action["res_model"] == "account.move.line":
                self.assertIn('name="amount_residual"', arch)
                lines = self.env["account.move.line"].search(action["domain"])
                self.assertEqual(sum(lines.mapped("amount_residual")), 300.0)

    def test_customer_list_shows_the_limit_to_salespeople(self):
        view = self.env.ref("base.view_partner_tree")
        for user, manager in ((self.salesman, False), (self.manager, True)):
            Partner = self.env["res.partner"].with_user(user)
            arch = Partner.get_views([(view.id, "list")])["views"]["list"]["arch"]
            self.assertIn('name="credit_limit"', arch)
            self.assertIs(Partner.browse(self.customer.id).credit_is_manager, manager)
            form = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertIn('name="credit_limit"', form)
            self.assertIn('name="credit_limit_temp"', form)
            # the Credit tab's fields read without an access error
            Partner.browse(self.customer.id).read(
                [
                    "credit_limit",
                    "credit_block_ids",
                    "credit_hold_ids",
                    "credit_exposure",
                ]
            )

    def test_mass_update_of_limits_and_policies(self):
        other = self.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True}
        )
        Wizard = (
            self.env["credit.limit.update"]
            .with_user(self.manager)
            .with_context(
                active_model="res.partner", active_ids=[self.contact.id, other.id]
            )
        )
        wizard = Wizard.create(
            {
                "update_limit": True,
                "credit_limit": 2500.0,
                "update_policy": True,
                "credit_policy_id": self.policy.id,
                "note": "Yearly review",
            }
        )
        self.assertEqual(wizard.partner_ids, self.customer | other)
        wizard.action_apply()
        for partner in (self.customer, other):
            partner.invalidate_recordset()
            self.assertEqual(partner.credit_limit, 2500.0)
            self.assertEqual(partner.credit_policy_id, self.policy)
            note = partner.message_ids[0]
            self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
            self.assertIn("Yearly review", note.body)
            self.assertEqual(note.author_id, self.manager.partner_id)
        # only the limit, back to the company's default policy for one customer
        Wizard.with_context(active_ids=[other.id]).create(
            {"update_policy": True, "credit_policy_id": False, "note": "Default terms"}
        ).action_apply()
        other.invalidate_recordset()
        self.assertFalse(other.credit_policy_id)
        self.assertEqual(other.credit_limit, 2500.0)

    def test_mass_update_needs_a_manager_what_to_change_and_a_note(self):
        vals = {"update_limit": True, "credit_limit": 1e6, "note": "Why not"}
        context = {"active_model": "res.partner", "active_ids": self.customer.ids}
        with self.assertRaises(AccessError):
            self.env["credit.limit.update"].with_user(self.salesman).with_context(
                **context
            ).create(vals)
        Wizard = (
            self.env["credit.limit.update"]
            .with_user(self.manager)
            .with_context(**context)
        )
        with self.assertRaises(UserError):
            Wizard.create({"note": "Nothing chosen"}).action_apply()
        with self.assertRaises(UserError):
            Wizard.create(dict(vals, note="   ")).action_apply()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_limit, 1000.0)
