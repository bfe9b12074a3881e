/** @odoo-module **/

// Dashboard tour: the data is built by tests/test_kpi_tours.py.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

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
            content: "A card shows the month's countback DSO and its trend",
            trigger: ".o_kanban_record:contains('DSO (Countback)'):contains('CEI (%)')",
        },
        {
            content: "Drill down to the overdue receivable of the last month",
            trigger: ".o_kanban_record:first button[name=action_open_overdue]",
            run: "click",
        },
        {
            content: "The overdue customer is listed with its bucket",
            trigger: ".o_list_view .o_data_row:contains('Huadong Machinery')",
        },
        {
            content: "Back to the dashboard through the breadcrumb",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first a",
            run: "click",
        },
        {
            content: "Switch to the list of KPIs",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the months, without any error",
            trigger: "body:not(:has(.o_error_dialog)) .o_list_view .o_data_row",
        },
    ],
});
