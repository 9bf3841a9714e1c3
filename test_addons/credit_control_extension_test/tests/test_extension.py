from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.credit_control.tests.common import CreditCommon

from ..models.credit_exposure import LARGEST_ITEM


@tagged("post_install", "-at_install")
class TestExtension(CreditCommon):
    """An add-on adds a component, a figure of the open items, a blocking rule and
    a report column."""

    def setUp(self):
        super().setUp()
        self.env["credit.commitment"].create(
            {"partner_id": self.contact.id, "amount": 300.0}
        )

    def test_component_counts_in_the_exposure(self):
        partner = self.figures()
        self.assertEqual(partner.credit_exposure, 300.0)
        order = self.order(800.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
        self.assertEqual(order.credit_hold_ids.exposure, 300.0)
        self.assertEqual(order.credit_hold_ids.reason_ids.code, "over_limit")

    def test_policy_chooses_whether_it_counts(self):
        self.policy.include_commitments = False
        self.assertEqual(self.figures().credit_exposure, 0.0)

    def test_blocking_rule_with_its_label(self):
        self.policy.max_commitments = 200.0
        order = self.order(10.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
        reason = order.credit_hold_ids.reason_ids
        self.assertEqual(reason.code, "too_committed")
        self.assertEqual(reason.label, "Too committed")
        self.assertEqual(reason.values["max_commitments"], 200.0)

    def test_report_column_follows_the_component(self):
        self.env["credit.exposure"]._refresh(self.env.company)
        row = self.env["credit.exposure"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.commitments, 300.0)
        self.assertEqual(row.exposure, 300.0)

    def test_figure_of_the_open_items_read_in_their_scan(self):
        self.invoice(50.0)
        self.invoice(300.0, days_overdue=5)
        self.invoice(200.0)
        small = self.env["res.partner"].create({"name": "Small", "is_company": True})
        self.invoice(50.0, partner=small)
        exposures = self.env["credit.exposure"]._compute_exposures(
            self.env.company, (self.customer | small).ids
        )
        exposure = exposures[self.customer.id]
        self.assertEqual(exposure[LARGEST_ITEM], 300.0)
        self.assertEqual(exposure.dates[LARGEST_ITEM], self.today - timedelta(days=5))
        self.assertEqual(exposure.total, 850.0)  # not added to the exposure
        # no item from the floor up: no figure
        self.assertNotIn(LARGEST_ITEM, exposures[small.id].amounts)
