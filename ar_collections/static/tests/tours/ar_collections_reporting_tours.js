/** @odoo-module **/

// Reporting tours: the data is built by the Python test of each tour (tests/test_tours.py).

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("ar_collections_auditor_aging_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("ar_collections.ar_collections_menu_root", "Open Credit & Collections"),
        {
            content: "Open the Reporting menu",
            trigger: "button[data-menu-xmlid='ar_collections.ar_collections_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the aged receivables report",
            trigger: ".dropdown-item[data-menu-xmlid='ar_collections.ar_aging_report_wizard_menu']",
            run: "click",
        },
        {
            content: "The report options open on the aging analysis",
            trigger: ".modal div[name=report_kind] input[data-value='aging']:checked",
        },
        {
            content: "Restrict the report to one customer",
            trigger: ".modal div[name=partner_ids] input",
            run: "edit Huadong",
        },
        {
            content: "Pick the customer",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Huadong Machinery')",
            run: "click",
        },
        {
            content: "The customer is chosen",
            trigger: ".modal div[name=partner_ids] .o_tag:contains('Huadong Machinery')",
        },
        {
            content: "List the invoices of each customer",
            trigger: ".modal div[name=show_detail] input[type=checkbox]",
            run: "click",
        },
        {
            content: "Print the PDF",
            trigger: ".modal .modal-footer button[name=action_print]",
            run: "click",
        },
        {
            content: "The options close once the report is downloaded, without any error",
            trigger: "body:not(:has(.modal)):not(:has(.o_error_dialog)) .o_action_manager",
        },
    ],
});
