/** @odoo-module **/

// Customer link tours: a contact without an account opens the link of the reminder e-mail he
// received, disputes one invoice and promises to pay the other; then the collector finds both in
// his workspace and accepts the promise. The data (the customer, its contact, two overdue
// invoices INV/2024/00001 of 3,000.00 and INV/2024/00002 of 1,800.00, the reminder sent by the
// collections run) is built by the Python test (tests/test_customer_link_tours.py), which takes
// the link from the e-mail's body and checks what was recorded afterwards.

import { registry } from "@web/core/registry";
import { openMyCollections } from "./ar_collections_tour_steps";

const { DateTime } = luxon;

// The page after a submission looks like the one before it (same URL, same confirmation):
// mark the page before submitting, the confirmation counts only on a page without the mark.
const MARK = "o_ar_tour_submitted";

function markPage() {
    document.body.classList.add(MARK);
}

// the checkbox of the invoice of ``amount`` in the form ``form``
function invoiceChoice(form, amount) {
    return `.${form} .form-check:contains('${amount}') input[name=invoice_ids]`;
}

registry.category("web_tour.tours").add("ar_collections_customer_link_tour", {
    steps: () => [
        {
            content: "The page lists the first overdue invoice",
            trigger: ".o_ar_customer_link .o_ar_link_invoices tr:contains('INV/2024/00001'):contains('3,000.00')",
        },
        {
            content: "and the second one",
            trigger: ".o_ar_customer_link .o_ar_link_invoices tr:contains('INV/2024/00002'):contains('1,800.00')",
        },
        {
            content: "and what is owed in total",
            trigger: ".o_ar_customer_link .o_ar_total:contains('4,800.00')",
        },
        // dispute invoice A (3,000.00)
        {
            content: "Dispute the invoice of 3,000.00",
            trigger: invoiceChoice("o_ar_dispute_form", "3,000.00"),
            run: "check",
        },
        {
            content: "The goods were broken",
            trigger: ".o_ar_dispute_form select[name=reason]",
            run: "select quality",
        },
        {
            content: "Say what is wrong",
            trigger: ".o_ar_dispute_form textarea[name=note]",
            run: "edit 20 of the 100 pumps arrived broken; see the delivery note.",
        },
        {
            content: "Attach the delivery note",
            trigger: ".o_ar_dispute_form input[type=file][name=attachment]",
            run() {
                const file = new File(["Delivery note DN-0311: 20 of 100 pumps broken."], "delivery_note.txt", {
                    type: "text/plain",
                });
                const transfer = new DataTransfer();
                transfer.items.add(file);
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the dispute",
            trigger: ".o_ar_dispute_form button.o_ar_dispute",
            run() {
                markPage();
                this.anchor.click();
            },
        },
        {
            content: "The dispute is recorded",
            trigger: `body:not(.${MARK}) .o_ar_customer_link .o_ar_done:contains('your dispute was recorded')`,
        },
        {
            content: "Nothing was refused",
            trigger: `body:not(.${MARK}) .o_ar_customer_link:not(:has(.o_ar_error))`,
        },
        // promise to pay invoice B (1,800.00) in two weeks
        {
            content: "Promise to pay the invoice of 1,800.00",
            trigger: invoiceChoice("o_ar_promise_form", "1,800.00"),
            run: "check",
        },
        {
            content: "In two weeks",
            trigger: ".o_ar_promise_form input[type=date][name=date]",
            run() {
                this.anchor.value = DateTime.now().plus({ days: 14 }).toISODate();
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "The whole invoice",
            trigger: ".o_ar_promise_form input[name=amount]",
            run: "edit 1800",
        },
        {
            content: "Send the promise",
            trigger: ".o_ar_promise_form button.o_ar_promise",
            run() {
                markPage();
                this.anchor.click();
            },
        },
        {
            content: "The promise is recorded",
            trigger: `body:not(.${MARK}) .o_ar_customer_link .o_ar_done:contains('your promise to pay was recorded')`,
        },
        {
            content: "Nothing was refused, and the invoices are still listed",
            trigger: `body:not(.${MARK}) .o_ar_customer_link:not(:has(.o_ar_error)) .o_ar_total:contains('4,800.00')`,
        },
    ],
});

// back one breadcrumb, once the view ``view`` (a selector of the view left) is displayed: a
// second click must not land on the breadcrumb of the view being left
const backStep = (content, view) => ({
    content,
    trigger: `body:has(${view}) .o_breadcrumb .o_back_button a`,
    run: "click",
});

// the customer's Credit & Collections tab (again after coming back to the customer)
const collectionsTab = {
    content: "The customer's Credit & Collections tab",
    trigger: ".o_form_view .o_notebook .nav-link:contains('Credit & Collections')",
    run: "click",
};

registry.category("web_tour.tours").add("ar_collections_customer_link_collector_tour", {
    url: "/odoo",
    steps: () => [
        ...openMyCollections(),
        {
            content: "Open the follow-up of the customer",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains('Huadong Machinery')",
            run: "click",
        },
        {
            content: "Open the customer",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_partner]",
            run: "click",
        },
        collectionsTab,
        // the contact log: the reminder e-mail and the two answers from the link
        {
            content: "Open the customer's contacts",
            trigger: ".o_form_view .tab-pane.active button[name=action_ar_view_contacts]",
            run: "click",
        },
        {
            content: "The reminder e-mail is in the contact log",
            trigger: ".o_list_view .o_data_row td[name=channel]:contains('Email')",
        },
        {
            content: "and the two answers of Mr. Wang on the portal",
            trigger:
                ".o_list_view .o_data_row:has(td[name=channel]:contains('Portal')):has(td[name=contact_id]:contains('Mr. Wang')):eq(1)",
        },
        backStep("Back to the customer", ".o_list_view td[name=channel]"),
        collectionsTab,
        // the dispute of invoice A, and its contact
        {
            content: "Open the customer's disputes",
            trigger: ".o_form_view .tab-pane.active button[name=action_ar_view_disputes]",
            run: "click",
        },
        {
            content: "Open the dispute of the invoice of 3,000.00",
            trigger:
                ".o_list_view .o_data_row:has(td[name=reason]:contains('Quality')):has(td[name=amount]:contains('3,000.00')) td[name=reason]",
            run: "click",
        },
        {
            content: "The dispute is open",
            trigger: ".o_form_view div[name=state] .o_arrow_button_current:contains('Open')",
        },
        {
            content: "with what the customer wrote",
            trigger: ".o_form_view div[name=description] textarea:value('20 of the 100 pumps arrived broken')",
        },
        {
            content: "Open the contact it came from",
            trigger: ".o_form_view div[name=log_id] a",
            run: "click",
        },
        {
            content: "The contact came from the portal",
            // the log is editable (a correction needs a note): its fields are inputs
            trigger: ".o_form_view div[name=channel] select:value(portal), .o_form_view div[name=channel] span:contains('Portal')",
        },
        {
            content: "from Mr. Wang",
            trigger: ".o_form_view div[name=contact_id] input:value('Mr. Wang'), .o_form_view div[name=contact_id] a:contains('Mr. Wang')",
        },
        {
            content: "about the invoice of 3,000.00 only",
            trigger:
                ".o_form_view div[name=invoice_ids]:has(.o_tag:contains('INV/2024/00001')):not(:has(.o_tag:eq(1)))",
        },
        backStep("Back to the dispute", ".o_form_view div[name=result_id]"),
        backStep("Back to the disputes", ".o_form_view div[name=log_id]"),
        backStep("Back to the customer", ".o_list_view td[name=reason]"),
        collectionsTab,
        // the promise, to accept
        {
            content: "Open the customer's promises",
            trigger: ".o_form_view .tab-pane.active button[name=action_ar_view_promises]",
            run: "click",
        },
        {
            content: "Open the promise of 1,800.00, to accept",
            trigger:
                ".o_list_view .o_data_row:has(td[name=state]:contains('To Accept')) td[name=amount]:contains('1,800.00')",
            run: "click",
        },
        {
            content: "The promise waits for its acceptance",
            trigger: ".o_form_view div[name=state] .o_arrow_button_current:contains('To Accept')",
        },
        {
            content: "Accept it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_accept]",
            run: "click",
        },
        {
            content: "The promise is open: it counts from now",
            trigger: ".o_form_view div[name=state] .o_arrow_button_current:contains('Open')",
        },
        {
            content: "and can be accepted no more",
            trigger: ".o_form_view .o_statusbar_buttons:not(:has(button[name=action_accept]))",
        },
    ],
});
