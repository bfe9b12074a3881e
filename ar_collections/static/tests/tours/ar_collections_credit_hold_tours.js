/** @odoo-module **/

// Credit hold tours: the data (customer over its limit, held quotation, release
// request...) is built by the Python test of each tour (tests/test_tours.py).

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const CUSTOMER = "Huadong Machinery";

/** Sales app > Quotations > the quotation of the customer. */
function openQuotationSteps() {
    return [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open the Sales app"),
        {
            content: "Open the quotation of the customer",
            trigger: `.o_list_view .o_data_row td[name=partner_id]:contains("${CUSTOMER}")`,
            run: "click",
        },
        {
            content: "The quotation is open, with the credit figures of the customer",
            trigger: ".o_form_view div[name=ar_credit_banner]:contains('Exposure')",
        },
    ];
}

registry.category("web_tour.tours").add("ar_collections_salesperson_hold_tour", {
    url: "/odoo",
    steps: () => [
        ...openQuotationSteps(),
        {
            content: "The credit banner shows the customer's figures",
            trigger: "div[name=ar_credit_banner]:contains('Exposure'):contains('Remaining')",
        },
        {
            content: "The hold banner lists the reasons: blacklist and credit limit",
            trigger:
                "div[name=ar_credit_hold_banner]:contains('blacklisted'):contains('Late payer since March'):contains('Credit limit exceeded')",
        },
        {
            content: "Try to confirm the quotation",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "An error lists every hold reason and who can release the hold",
            trigger:
                ".o_error_dialog:contains('is on credit hold'):contains('blacklisted'):contains('Credit limit exceeded'):contains('Request Release')",
        },
        {
            content: "Close the error",
            trigger: ".o_error_dialog .o-default-button",
            run: "click",
        },
        {
            content: "The error is gone and the order is still a quotation",
            trigger:
                "body:not(:has(.o_error_dialog)) .o_statusbar_status button.o_arrow_button_current:contains('Quotation')",
        },
        {
            content: "Ask a Credit Manager for a release",
            trigger: ".o_statusbar_buttons button[name=action_ar_request_release]",
            run: "click",
        },
        {
            content: "The request dialog repeats the reasons",
            trigger: ".modal div[name=hold_reasons]:contains('blacklisted')",
        },
        {
            content: "Tell the Credit Manager why",
            trigger: ".modal div[name=message] textarea",
            run: "edit The customer promised to pay the overdue invoice on Friday.",
        },
        {
            content: "Send the request",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The request is noted in the chatter of the quotation",
            trigger: "body:not(:has(.modal)) .o-mail-Message:contains('asks for a release')",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_credit_manager_release_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "Open my activities",
            trigger: ".o-mail-ActivityMenu-counter",
            run: "click",
        },
        {
            content: "Open the sale orders waiting for me",
            trigger: ".o-mail-ActivityGroup[data-model_name='sale.order']",
            run: "click",
        },
        {
            content: "Open the held order of the customer",
            trigger: `.o_kanban_record:contains("${CUSTOMER}"), .o_data_row td[name=partner_id]:contains("${CUSTOMER}")`,
            run: "click",
        },
        {
            content: "The order shows why it is held",
            trigger: "div[name=ar_credit_hold_banner]:contains('Credit limit exceeded')",
        },
        {
            content: "Approve a release",
            trigger: ".o_statusbar_buttons button[name=action_ar_approve_release]",
            run: "click",
        },
        {
            content: "The approval dialog repeats the reasons",
            trigger: ".modal div[name=hold_reasons]:contains('Credit limit exceeded')",
        },
        {
            content: "Give the reason of the release",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Payment of the overdue invoice received today; bank slip checked.",
        },
        {
            content: "Approve",
            trigger: ".modal .modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order now shows the release instead of the hold",
            trigger:
                "body:not(:has(.modal)) div[name=ar_credit_release_banner]:contains('released')",
        },
        {
            content: "The hold banner is gone",
            trigger: ".o_form_view:not(:has(div[name=ar_credit_hold_banner]))",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_salesperson_confirm_released_tour", {
    url: "/odoo",
    steps: () => [
        ...openQuotationSteps(),
        {
            content: "The release is shown on the quotation",
            trigger: "div[name=ar_credit_release_banner]:contains('released')",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The quotation is now a sales order",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
