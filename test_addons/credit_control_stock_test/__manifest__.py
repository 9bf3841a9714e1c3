# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Credit Control Stock Test",
    "summary": "Test-only add-on: credit_control's exposure with deliveries "
    "(backorders, returns)",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/credit-management/odoo-credit",
    "author": "Credit Management Team",
    "license": "AGPL-3",
    "depends": ["credit_control", "sale_stock"],
    "installable": True,
}
