/** @odoo-module **/

// Dashboard tour: the data is built by tests/test_kpi_tours.py.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const backToDashboard = {
    content: "Back to the dashboard through the breadcrumb",
    trigger: ".o_breadcrumb .breadcrumb-item:first a",
    run: "click",
};

// the list of a drill-down: its breadcrumb, then the row expected in it
const listOpened = (content, breadcrumb, row) => [
    { content: `${content}: the list is opened`, trigger: `.o_breadcrumb .active:contains('${breadcrumb}')` },
    { content, trigger: row },
];

registry.category("web_tour.tours").add("ar_collections_kpi_dashboard_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("ar_collections.ar_collections_menu_root", "Open Credit & Collections"),
        {
            content: "Open the dashboard",
            trigger: "[data-menu-xmlid='ar_collections.ar_kpi_period_menu']",
            run: "click",
        },
        {
            content: "A card shows the month's countback DSO and CEI",
            trigger: ".o_ar_kpi_dashboard .o_ar_kpi_card:contains('DSO (Countback)'):contains('CEI (%)')",
        },
        {
            content: "Drill down to the top overdue customers",
            trigger: ".o_ar_top_overdue .card-header",
            run: "click",
        },
        ...listOpened("The list of the top overdue customers opens with the overdue customer", "Top Overdue Customers", ".o_list_view .o_data_row:contains('Huadong Machinery')"),
        {
            content: "Only the overdue customer is listed",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Jiangnan Textiles')))",
        },
        backToDashboard,
        {
            content: "Open the overdue invoices of the first customer",
            trigger: ".o_ar_top_overdue_row:first:contains('Huadong Machinery')",
            run: "click",
        },
        ...listOpened("His overdue invoice is listed", "Overdue Invoices of", ".o_list_view .o_data_row:contains('4,000.00')"),
        backToDashboard,
        {
            content: "Drill down to the broken promises",
            trigger: ".o_ar_promises_broken .card-header:contains('1')",
            run: "click",
        },
        ...listOpened("The broken promise is listed", "Broken Promises", ".o_list_view .o_data_row:contains('Huadong Machinery')"),
        {
            content: "Open it",
            trigger: ".o_list_view .o_data_row:contains('Huadong Machinery') td.o_data_cell:first",
            run: "click",
        },
        {
            content: "The promise is shown broken",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Broken'), .o_form_view .o_field_widget[name=state]:contains('Broken')",
        },
        backToDashboard,
        {
            content: "The dashboard shows again, without any error",
            trigger: "body:not(:has(.o_error_dialog)) .o_ar_kpi_dashboard .o_ar_scorecards",
        },
    ],
});
