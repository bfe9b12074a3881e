/** @odoo-module **/

// Customer portal tours: a customer's portal user answers balance confirmations from /my.
// The data (the customer, its portal user, two sent confirmations) is built by the Python
// test (tests/test_portal_tours.py), which checks the recorded reply afterwards.

import { registry } from "@web/core/registry";

// a confirmation is found by the end of its period (its number is given when it is sent)
function openConfirmation(periodEnd, closing) {
    return [
        {
            content: "Open the statements from the portal home",
            trigger: "a[href='/my/statements']:contains('Statements and Balance Confirmations')",
            run: "click",
        },
        {
            content: `Open the balance confirmation of the period ending ${periodEnd}`,
            trigger: `.o_portal_my_doc_table tr:contains('${periodEnd}') a[href^='/my/statements/']`,
            run: "click",
        },
        {
            content: "The confirmation shows the closing balance",
            trigger: `.o_ar_portal_statement .o_ar_closing:contains('${closing}')`,
        },
    ];
}

registry.category("web_tour.tours").add("ar_collections_portal_confirm_tour", {
    url: "/my",
    steps: () => [
        ...openConfirmation("04/30/2024", "1,000.00"),
        {
            content: "Confirm the balance",
            trigger: ".o_ar_portal_statement button.o_ar_confirm",
            run: "click",
        },
        {
            content: "The confirmation is now confirmed, with the reply date",
            trigger: ".o_ar_portal_statement p:contains('Confirmed'):contains('replied on')",
        },
        {
            content: "The reply form is gone",
            trigger: ".o_ar_portal_statement:not(:has(button.o_ar_confirm))",
        },
    ],
});

registry.category("web_tour.tours").add("ar_collections_portal_disagree_tour", {
    url: "/my",
    steps: () => [
        ...openConfirmation("05/31/2024", "1,250.00"),
        {
            content: "The balance in our books",
            trigger: ".o_ar_portal_statement input[name=amount]",
            run: "edit 1000",
        },
        {
            content: "Why it differs",
            trigger: ".o_ar_portal_statement textarea[name=reason]",
            run: "edit Invoice of 20 May (250.00) never received",
        },
        {
            content: "Disagree",
            trigger: ".o_ar_portal_statement button.o_ar_disagree",
            run: "click",
        },
        {
            content: "The confirmation is now disputed",
            trigger: ".o_ar_portal_statement p:contains('Disputed'):contains('replied on')",
        },
    ],
});
