# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Credit Insurance - Stock",
    "summary": "Block deliveries to buyers the credit insurer no longer covers, "
    "until a Credit Manager releases them",
    "version": "19.0.1.0.0",
    "category": "Inventory/Delivery",
    "website": "https://github.com/credit-management/odoo-credit",
    "author": "Credit Management Team",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["credit_insurance", "sale_stock"],
    "data": [
        "security/ir.model.access.csv",
        "wizard/credit_insurance_delivery_release_views.xml",
        "views/stock_picking_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
