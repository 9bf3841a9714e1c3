from xmlrpc.client import Fault

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestNoWayAroundRemote(HttpCase):
    """A salesperson tries to walk around the hold through XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="bypass_salesman",
            password="bypass_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Bypass Customer", "is_company": True, "credit_limit": 100.0}
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Bypass pallet",
                "list_price": 500.0,
                "taxes_id": [Command.clear()],
            }
        )

    def refused(self):
        """An RPC call that must fail, without logging its error as a failure."""
        return mute_logger("odoo.addons.rpc.controllers.xmlrpc")

    def rpc(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.salesman.id,
            "bypass_salesman",
            model,
            method,
            list(args),
            kwargs,
        )

    def quotation(self, price=500.0):
        return self.rpc(
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "price_unit": price})
                ],
            },
        )

    def test_writing_the_state_does_not_confirm(self):
        order_id = self.quotation()
        self.rpc("sale.order", "action_confirm", [order_id])
        with self.refused(), self.assertRaises(Fault):
            self.rpc("sale.order", "write", [order_id], {"state": "sale"})
        order = self.env["sale.order"].browse(order_id)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_state, "hold")

    def test_creating_a_confirmed_order_checks_it(self):
        order_id = self.rpc(
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "state": "sale",
                "order_line": [(0, 0, {"product_id": self.product.id})],
            },
        )
        order = self.env["sale.order"].browse(order_id)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_state, "hold")

    def test_credit_status_cannot_be_forged(self):
        with self.refused(), self.assertRaises(Fault):
            self.rpc(
                "sale.order",
                "create",
                {"partner_id": self.customer.id, "credit_state": "released"},
            )
        order_id = self.quotation()
        self.rpc("sale.order", "action_confirm", [order_id])
        hold = self.env["sale.order"].browse(order_id).credit_hold_ids
        with self.refused(), self.assertRaises(Fault):
            self.rpc("credit.hold", "write", hold.ids, {"state": "released"})
        copy_id = self.rpc("sale.order", "copy", [order_id])
        self.assertFalse(self.env["sale.order"].browse(copy_id).credit_state)


@tagged("post_install", "-at_install")
class TestNoWayAround(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="bypass_salesman_orm",
            groups="sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
        )
        cls.controller = new_test_user(
            cls.env,
            login="bypass_controller",
            groups="credit_control.group_credit_controller",
            company_id=cls.env.company.id,
        )

    def sold_by_salesman(self, amount, **values):
        return self.order(amount, user_id=self.salesman.id, **values).with_user(
            self.salesman
        )

    def test_zero_total_order_of_a_blocked_customer_is_held(self):
        self.customer.with_user(self.controller).write(
            {"credit_hold": True, "credit_hold_reason": "Suspected insolvency"}
        )
        order = self.sold_by_salesman(0.0)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_hold_ids.reason_ids.code, "blocked")

    def test_release_refused_when_the_customer_changed(self):
        order = self.sold_by_salesman(1500.0)
        order.action_confirm()
        blocked = self.env["res.partner"].create(
            {"name": "Blocked Customer", "is_company": True, "credit_limit": 1e6}
        )
        blocked.write({"credit_hold": True, "credit_hold_reason": "Lawsuit"})
        order.write({"partner_id": blocked.id, "partner_invoice_id": blocked.id})
        with self.assertRaises(UserError):
            order.with_user(self.env.user).credit_hold_ids.action_release("ok")
        self.assertEqual(order.state, "draft")
        other_address = self.env["res.partner"].create(
            {"name": "Other Office", "parent_id": self.customer.id, "type": "invoice"}
        )
        order.write({"partner_id": self.customer.id})
        order.write({"partner_invoice_id": other_address.id})
        with self.assertRaises(UserError):
            order.with_user(self.env.user).credit_hold_ids.action_release("ok")

    def test_rejection_is_final_for_the_salesperson(self):
        order = self.sold_by_salesman(1500.0)
        order.action_confirm()
        order.credit_hold_ids.with_user(self.env.user).action_reject("No.")
        order.order_line.price_unit = 10.0
        action = order.action_confirm()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.credit_state, "rejected")
        order.action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(order.credit_state, "rejected")
        order.with_user(self.env.user).action_confirm()  # a credit manager acts
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "approved")

    def test_growth_by_unit_of_measure_is_flagged(self):
        pack = self.env.ref("uom.product_uom_pack_6", raise_if_not_found=False)
        if not pack:
            pack = self.env["uom.uom"].create(
                {
                    "name": "Pack of 6",
                    "relative_factor": 6,
                    "relative_uom_id": self.env.ref("uom.product_uom_unit").id,
                }
            )
        order = self.order(100.0)
        order.order_line.product_uom_qty = 2
        order.action_confirm()
        self.assertEqual(order.credit_state, "approved")
        order.order_line.product_uom_id = pack
        self.assertEqual(order.amount_total, 1200.0)
        self.assertEqual(order.credit_state, "exceeded")

    def test_growth_flags_every_blocking_reason(self):
        self.policy.overdue_amount = 100.0
        order = self.order(10.0, confirm=True)
        self.invoice(150.0, days_overdue=5)
        order.order_line.product_uom_qty = 2
        self.assertEqual(order.credit_state, "exceeded")
        self.assertTrue(any("is overdue" in m.body for m in order.message_ids))

    def test_cancel_and_back_to_quotation_clear_stale_badges(self):
        order = self.sold_by_salesman(1500.0)
        order.action_confirm()
        hold = order.credit_hold_ids
        order.with_user(self.env.user).write({"state": "cancel"})
        self.assertEqual(hold.state, "cleared")
        self.assertFalse(order.credit_state)
        confirmed = self.order(100.0, confirm=True)
        confirmed.order_line.product_uom_qty = 20
        self.assertEqual(confirmed.credit_state, "exceeded")
        confirmed._action_cancel()
        confirmed.action_draft()
        self.assertFalse(confirmed.credit_state)

    def test_deleting_a_held_quotation_keeps_its_decision_record(self):
        order = self.sold_by_salesman(1500.0)
        order.action_confirm()
        hold = order.credit_hold_ids
        order.with_user(self.env.user).unlink()
        self.assertTrue(hold.exists())
        self.assertEqual(hold.state, "cleared")
        self.assertFalse(hold.order_id)

    def test_hold_figures_are_written_by_the_decisions_only(self):
        order = self.order(1500.0)
        order.action_confirm()
        hold = order.credit_hold_ids
        for vals in (
            {"state": "released"},
            {"decision_note": "forged"},
            {"exposure": 0.0},
        ):
            with self.assertRaises(AccessError):
                hold.write(vals)
        with self.assertRaises(AccessError):
            self.env["credit.hold"].create(
                {"order_id": order.id, "partner_id": self.customer.id}
            )

    def test_policy_in_use_cannot_be_deleted_or_archived(self):
        with self.assertRaises(UserError):
            self.policy.unlink()
        with self.assertRaises(UserError):
            self.policy.active = False
        special = self.env["credit.policy"].create({"name": "Special"})
        self.customer.credit_policy_id = special
        with self.assertRaises(UserError):
            special.unlink()
        self.customer.credit_policy_id = False
        special.unlink()

    def test_customer_policy_belongs_to_the_company(self):
        other = self.setup_other_company(name="Policy Elsewhere")["company"]
        foreign = self.env["credit.policy"].create(
            {"name": "Foreign", "company_id": other.id}
        )
        with self.assertRaises(ValidationError):
            self.customer.credit_policy_id = foreign

    def test_release_note_must_be_text(self):
        order = self.order(1500.0)
        order.action_confirm()
        for note in (123, None, ["x"], "  "):
            with self.assertRaises(UserError):
                order.credit_hold_ids.action_release(note)
        self.assertEqual(order.credit_hold_ids.state, "pending")

    def test_salesperson_is_told_of_the_decision(self):
        order = self.sold_by_salesman(1500.0)
        order.action_confirm()
        order.credit_hold_ids.with_user(self.env.user).action_reject(
            "Pay the overdue first."
        )
        message = order.message_ids[0]
        self.assertIn("Pay the overdue first.", message.body)
        self.assertIn(self.salesman.partner_id, message.partner_ids)
        self.assertNotIn(self.customer, message.partner_ids)
