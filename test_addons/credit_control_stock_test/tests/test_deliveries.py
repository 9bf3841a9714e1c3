from odoo import Command
from odoo.tests import tagged

from odoo.addons.credit_control.tests.common import CreditCommon


@tagged("post_install", "-at_install")
class TestDeliveries(CreditCommon):
    """Quantities that will never be delivered leave the exposure."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.credit_limit = 100000.0
        cls.crate = cls._create_product(
            name="Crate",
            is_storable=True,
            lst_price=100.0,
            taxes_id=[Command.clear()],
            invoice_policy="delivery",
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.crate,
            cls.env["stock.warehouse"]
            .search([("company_id", "=", cls.env.company.id)], limit=1)
            .lot_stock_id,
            100.0,
        )

    def confirmed_order(self, quantity):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.crate.id, "product_uom_qty": quantity}
                    )
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def deliver(self, picking, quantity, backorder):
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        picking.with_context(cancel_backorder=not backorder)._action_done()

    def test_cancelled_backorder_leaves_the_exposure(self):
        order = self.confirmed_order(10)
        self.assertEqual(self.figures().credit_orders_to_invoice, 1000.0)
        self.deliver(order.picking_ids, 6, backorder=True)
        self.assertEqual(self.figures().credit_orders_to_invoice, 1000.0)
        backorder = order.picking_ids.filtered(lambda p: p.state != "done")
        backorder.action_cancel()
        self.assertEqual(self.figures().credit_orders_to_invoice, 600.0)
        order._create_invoices().action_post()
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 600.0)
        self.assertEqual(partner.credit_orders_to_invoice, 0.0)
        self.assertEqual(partner.credit_exposure, 600.0)

    def test_goods_returned_after_a_credit_note_leave_the_exposure(self):
        order = self.confirmed_order(10)
        self.deliver(order.picking_ids, 10, backorder=False)
        order._create_invoices().action_post()
        self.assertEqual(self.figures().credit_exposure, 1000.0)
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=order.picking_ids.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.write({"quantity": 2.0})
        returned = self.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        self.deliver(returned, 2, backorder=False)
        self.assertEqual(order.order_line.qty_delivered, 8.0)
        order._create_invoices(final=True).action_post()
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 800.0)
        self.assertEqual(partner.credit_orders_to_invoice, 0.0)
        self.assertEqual(partner.credit_exposure, 800.0)
