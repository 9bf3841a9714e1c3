# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Credit Control",
    "summary": "Live credit exposure, limits, credit policies and credit holds "
    "on sale orders",
    "version": "19.0.1.1.0",
    "category": "Sales/Sales",
    "website": "https://github.com/credit-management/odoo-credit",
    "author": "Credit Management Team",
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["sale"],
    "data": [
        "security/credit_control_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_type_data.xml",
        "data/ir_cron_data.xml",
        "data/credit_policy_data.xml",
        "wizard/credit_hold_decision_views.xml",
        "wizard/credit_limit_update_views.xml",
        "views/credit_policy_views.xml",
        "views/credit_hold_views.xml",
        "views/credit_block_views.xml",
        "views/credit_exposure_views.xml",
        "views/credit_document_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/credit_menus.xml",
    ],
    "demo": ["demo/credit_control_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "credit_control/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
