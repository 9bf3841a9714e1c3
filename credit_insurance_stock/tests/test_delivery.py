from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.credit_insurance.tests.common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestDelivery(InsuranceCommon):
    """Deliveries to an insured buyer are judged again when they are validated."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("stock.group_stock_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.crate = cls._create_product(
            name="Crate",
            type="consu",
            is_storable=True,
            lst_price=100.0,
            taxes_id=[Command.clear()],
            invoice_policy="order",
        )
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.crate, cls.warehouse.lot_stock_id, 100.0
        )
        cls.insured = cls.cover(5000.0)

    def delivery(self):
        """The delivery of an order the credit check confirmed."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create({"product_id": self.crate.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        picking = order.picking_ids
        self.assertEqual(picking.picking_type_code, "outgoing")
        return picking

    def validate(self, picking):
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        picking.button_validate()

    def release(self, picking, note="Agreed with the insurer", user=None):
        env = self.env(user=user) if user else self.env
        Wizard = env["credit.insurance.delivery.release"]
        form = Form(Wizard.with_context(default_picking_id=picking.id))
        form.note = note
        form.save().action_confirm()

    def test_withdrawn_cover_blocks_until_released(self):
        picking = self.delivery()
        self.assertFalse(picking.credit_insurance_blocked)
        self.insured._record_decision("withdrawn", 0.0, self.today, self.today)
        picking.invalidate_recordset()
        self.assertTrue(picking.credit_insurance_blocked)
        self.assertIn("withdrawn", picking.credit_insurance_block_message)
        with self.assertRaises(UserError) as caught:
            self.validate(picking)
        message = str(caught.exception)
        self.assertIn(picking.name, message)
        self.assertIn("withdrawn", message)
        self.assertIn("A Credit Manager can release the delivery.", message)
        self.assertNotEqual(picking.state, "done")

        self.release(picking)
        self.assertEqual(picking.credit_insurance_release_user_id, self.env.user)
        self.assertTrue(picking.credit_insurance_release_date)
        self.assertEqual(
            picking.credit_insurance_release_note, "Agreed with the insurer"
        )
        self.assertFalse(picking.credit_insurance_blocked)
        self.assertIn("Agreed with the insurer", picking.message_ids[0].body)
        self.assertIn("withdrawn", picking.message_ids[0].body)
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def test_stop_delivery_date_passed_since_the_order_blocks(self):
        picking = self.delivery()
        self.sold(100.0, days_overdue=31)
        with self.assertRaisesRegex(UserError, "maximum extension period"):
            self.validate(picking)
        self.assertNotEqual(picking.state, "done")

    def test_policy_switched_off_does_not_block(self):
        picking = self.delivery()
        self.sold(100.0, days_overdue=31)
        self.insurance.hold_stop_delivery = False
        self.assertFalse(picking.credit_insurance_blocked)
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def test_no_check_when_credit_checking_is_off(self):
        picking = self.delivery()
        self.insured._record_decision("withdrawn", 0.0, self.today, self.today)
        self.env.company.credit_check_active = False
        self.validate(picking)
        self.assertEqual(picking.state, "done")

    def new_user(self, login, groups):
        return new_test_user(
            self.env,
            login=login,
            groups=groups,
            company_id=self.env.company.id,
            company_ids=[Command.set(self.env.company.ids)],
        )

    def test_salesman_cannot_release(self):
        picking = self.delivery()
        self.insured._record_decision("withdrawn", 0.0, self.today, self.today)
        salesman = self.new_user(
            "delivery_salesman", "sales_team.group_sale_salesman,stock.group_stock_user"
        )
        as_salesman = picking.with_user(salesman)
        with self.assertRaises(AccessError):
            as_salesman.action_credit_insurance_release("Urgent")
        with self.assertRaises(AccessError):
            self.release(picking, user=salesman)
        with self.assertRaises(AccessError):
            as_salesman.write({"credit_insurance_release_user_id": salesman.id})
        self.assertFalse(picking.credit_insurance_release_user_id)

    def test_warehouse_user_sees_the_reasons_and_cannot_validate(self):
        picking = self.delivery()
        self.insured._record_decision("withdrawn", 0.0, self.today, self.today)
        storekeeper = self.new_user("delivery_storekeeper", "stock.group_stock_user")
        as_storekeeper = picking.with_user(storekeeper)
        form = Form(as_storekeeper)
        self.assertTrue(form.credit_insurance_blocked)
        self.assertIn("withdrawn", form.credit_insurance_block_message)
        with self.assertRaisesRegex(UserError, "withdrawn"):
            as_storekeeper.button_validate()
        with self.assertRaises(AccessError):
            as_storekeeper.action_credit_insurance_release("Urgent")

    def test_release_needs_a_note(self):
        picking = self.delivery()
        for note in ("", "   ", None, 42):
            with self.assertRaises(UserError):
                picking.action_credit_insurance_release(note)

    def test_receipts_are_never_blocked(self):
        self.insured._record_decision("withdrawn", 0.0, self.today, self.today)
        supplier = self.env.ref("stock.stock_location_suppliers")
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": self.customer.id,
                "location_id": supplier.id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.crate.id,
                            "product_uom_qty": 3,
                            "location_id": supplier.id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        receipt.action_confirm()
        self.assertFalse(receipt.credit_insurance_blocked)
        self.validate(receipt)
        self.assertEqual(receipt.state, "done")
