# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Credit Control Extension Test",
    "summary": "Test-only add-on: a new exposure component and a new blocking rule "
    "added to credit_control without touching its files",
    "version": "19.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/credit-management/odoo-credit",
    "author": "Credit Management Team",
    "license": "AGPL-3",
    "depends": ["credit_control"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
