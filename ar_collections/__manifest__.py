{
    "name": "Credit Control & Collections",
    "summary": "Customer credit profiles, receivable aging, collection stages, "
    "credit holds and follow-ups (应收账款管理与催收)",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "ar_collections developers",
    "license": "LGPL-3",
    "depends": ["account", "sale_management", "stock", "mail"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/ar_collections_groups.xml",
        "security/ir.model.access.csv",
        "security/ar_collections_security.xml",
        "data/ar_credit_grade_data.xml",
        "wizard/ar_partner_blacklist_views.xml",
        "views/ar_credit_grade_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/ar_collections_menus.xml",
    ],
    "demo": [
        "demo/ar_collections_demo.xml",
    ],
    "application": True,
    "installable": True,
}
