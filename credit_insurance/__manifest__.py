# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Credit Insurance",
    "summary": "Trade-credit insurance: insurer policies, per-buyer covers, insured "
    "exposure and insurance holds on sale orders",
    "version": "19.0.1.0.0",
    "category": "Sales/Sales",
    "website": "https://github.com/credit-management/odoo-credit",
    "author": "Credit Management Team",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["credit_control"],
    "data": [
        "security/credit_insurance_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "report/credit_insurance_cover_report.xml",
        "wizard/credit_insurance_decision_views.xml",
        "views/credit_insurance_policy_views.xml",
        "views/credit_insurance_cover_views.xml",
        "views/credit_exposure_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/credit_insurance_menus.xml",
    ],
    "demo": ["demo/credit_insurance_demo.xml"],
    "installable": True,
}
