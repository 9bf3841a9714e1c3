import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// Both tours rely on the data created by credit_control/tests/test_tour.py.

registry.category("web_tour.tours").add("credit_control_request_release", {
    steps: () => [
        {
            content: "Confirm the quotation, over the customer's credit limit",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order stays a quotation, on credit hold",
            trigger: ".o_form_view .alert-danger:contains(On credit hold)",
        },
        {
            content: "Ask the credit managers to release it",
            trigger: ".o_form_view .alert-danger button[name=action_credit_request_release]",
            run: "click",
        },
        {
            content: "The credit managers are notified",
            trigger: ".o_notification:contains(Release requested)",
        },
        {
            content: "Open the credit hold",
            trigger: ".o_form_view .alert-danger button[name=action_credit_open_hold]",
            run: "click",
        },
        {
            content: "The request is an internal note on the hold",
            trigger: ".o_form_view .o-mail-Message:contains(asks for the release)",
        },
    ],
});

registry.category("web_tour.tours").add("credit_control_release", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Credit app",
            trigger: '.o_app[data-menu-xmlid="credit_control.menu_credit_root"]',
            run: "click",
        },
        {
            content: "Open Holds to Review",
            trigger: '.o_main_navbar [data-menu-xmlid="credit_control.menu_credit_holds"]',
            run: "click",
        },
        {
            content: "Open the hold of the tour's customer",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer) td[name=order_id]",
            run: "click",
        },
        {
            content: "Release it",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_decision]:contains(Release)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal div[name=note] textarea",
            run: "edit The customer paid its overdue invoices.",
        },
        {
            content: "Apply the decision",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The hold is released",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=released]",
        },
    ],
});
