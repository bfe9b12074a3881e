/** @odoo-module **/

// The collections dashboard (Credit & Collections › Dashboard): KPI cards with their trend,
// the aging trend, top overdue customers, promises due this week, broken promises and the
// collectors' scorecards. All the figures come from one call to
// ar.kpi.dashboard.get_dashboard_data (read as the user, under his record rules); each
// figure carries the window action of its records (the drill-down).

import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";

export class ArKpiDashboard extends Component {
    static template = "ar_collections.KpiDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.state = useState({
            data: null,
            filters: { company_id: false, collector_id: false, user_id: false, credit_grade_id: false },
        });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("ar.kpi.dashboard", "get_dashboard_data", [], {
            filters: this.state.filters,
        });
    }

    async onFilterChange(fname, ev) {
        const value = parseInt(ev.target.value, 10);
        this.state.filters[fname] = Number.isNaN(value) ? false : value;
        await this.load();
    }

    open(action) {
        if (action) {
            this.actionService.doAction(action);
        }
    }

    money(value, currencyId) {
        return formatMonetary(value || 0, { currencyId });
    }

    number(value, digits = 1) {
        return formatFloat(value || 0, { digits: [16, digits] });
    }

    trendClass(trend, lowerIsBetter) {
        if (trend === null || trend === undefined || Math.abs(trend) < 0.05) {
            return "text-muted";
        }
        return trend < 0 === lowerIsBetter ? "text-success" : "text-danger";
    }

    trendText(trend) {
        if (trend === null || trend === undefined) {
            return "";
        }
        return (trend > 0 ? "+" : "") + this.number(trend);
    }

    barWidth(amount, total) {
        return total ? `${Math.max(0, Math.round((amount / total) * 100))}%` : "0%";
    }
}

registry.category("actions").add("ar_collections.kpi_dashboard", ArKpiDashboard);
