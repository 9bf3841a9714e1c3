from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.filtered(
            lambda line: line.price_total > 0
        ).order_id._credit_check_growth()
        return lines

    def write(self, vals):
        """Check again the confirmed orders that any change of their lines made larger.

        Quantity, price, discount, taxes, product and unit of measure all change the
        amount: comparing the totals catches every one of them.
        """
        before = {
            order: order.amount_total
            for order in self.order_id
            if order.state == "sale"
        }
        result = super().write(vals)
        grown = self.order_id.filtered(
            lambda o: (
                o in before
                and o.currency_id.compare_amounts(o.amount_total, before[o]) > 0
            )
        )
        grown._credit_check_growth()
        return result
