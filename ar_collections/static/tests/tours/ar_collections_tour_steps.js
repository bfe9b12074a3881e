/** @odoo-module **/

// Steps the backend tours share.

import { stepUtils } from "@web_tour/tour_service/tour_utils";

// from the home menu to the collector's worklist (Credit & Collections › Collections › My Collections)
export function openMyCollections() {
    return [
        ...stepUtils.goToAppSteps("ar_collections.ar_collections_menu_root", "Open Credit & Collections"),
        {
            content: "Open the Collections menu",
            trigger: "button[data-menu-xmlid='ar_collections.ar_collections_menu_collections']",
            run: "click",
        },
        {
            content: "Open My Collections",
            trigger: ".dropdown-item[data-menu-xmlid='ar_collections.ar_collection_worklist_menu']",
            run: "click",
        },
    ];
}
