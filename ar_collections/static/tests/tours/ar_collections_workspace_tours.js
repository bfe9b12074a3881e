/** @odoo-module **/

// Collector's workspace tour: the data (overdue customer with a follow-up assigned to
// the collector) is built by its Python test (tests/test_tours.py).

import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { openMyCollections } from "./ar_collections_tour_steps";

const { DateTime } = luxon;

registry.category("web_tour.tours").add("ar_collections_collector_call_tour", {
    url: "/odoo",
    steps: () => [
        ...openMyCollections(),
        {
            content: "Open the follow-up of the overdue customer",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains('Huadong Machinery')",
            run: "click",
        },
        {
            content: "The follow-up shows what the customer owes",
            trigger: ".o_form_view .o_field_widget[name=overdue_amount]:contains('4,000.00')",
        },
        {
            content: "Log the call",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_log_contact]",
            run: "click",
        },
        {
            content: "The contact dialog proposes the overdue invoices",
            trigger: ".modal div[name=invoice_ids] .o_tag",
        },
        {
            content: "It was a phone call",
            trigger: ".modal div[name=channel] input[data-value='phone']",
            run: "click",
        },
        {
            content: "Choose the result",
            trigger: ".modal div[name=result_id] input",
            run: "edit Promise",
        },
        {
            content: "The customer promised to pay",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Promise to pay')",
            run: "click",
        },
        {
            content: "Promised date: in a week",
            trigger: ".modal div[name=promise_date] input",
            run: `edit ${formatDate(DateTime.now().plus({ days: 7 }))} && press Enter`,
        },
        {
            content: "Promised amount",
            trigger: ".modal div[name=promise_amount] input",
            run: "edit 2500",
        },
        {
            content: "What the customer said",
            trigger: ".modal div[name=customer_feedback] textarea",
            run: "edit Finance director Wang will pay 2,500 next week, the rest after their own customer pays.",
        },
        {
            content: "Log it",
            trigger: ".modal .modal-footer button[name=action_log_contact]",
            run: "click",
        },
        {
            content: "Back to the worklist: the customer's next follow-up shows the promise",
            trigger:
                "body:not(:has(.modal)) .o_list_view .o_data_row:contains('Huadong Machinery') td[name=next_promise_date]:not(:empty)",
        },
    ],
});
