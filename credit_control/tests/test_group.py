from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestGroup(CreditCommon):
    """A group of companies shares a limit: an order of one member is held when
    the members' exposure plus the order exceeds it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sister = cls.env["res.partner"].create(
            {"name": "Sister Company", "is_company": True, "credit_limit": 10000.0}
        )
        cls.group = cls.env["credit.group"].create(
            {
                "name": "Holding",
                "credit_limit": 1500.0,
                "partner_ids": [Command.set((cls.customer | cls.sister).ids)],
            }
        )
        cls.order(1000.0, partner=cls.sister, confirm=True)

    def test_group_over_limit_holds(self):
        order = self.order(600.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
        reason = order.credit_hold_ids.reason_ids
        self.assertEqual(reason.mapped("code"), ["group_over_limit"])
        self.assertRecordValues(
            order.credit_hold_ids,
            [{"credit_limit": 1000.0, "exposure": 0.0, "order_amount": 600.0}],
        )
        self.assertEqual(reason.values["group_exposure"], 1000.0)
        self.assertEqual(reason.values["group_projected"], 1600.0)
        self.assertIn("Holding", reason.message)
        self.assertIn("1,500.00", reason.message)

    def test_group_changes_count_at_once(self):
        """The members of the groups are cached: a new group, a new member and an
        archived group count at once."""
        self.group.unlink()
        Exposure = self.env["credit.exposure"]
        self.assertNotIn(
            self.company.id, self.env["credit.group"]._credit_group_members()
        )
        exposures = Exposure._compute_exposures(self.company, self.customer.ids)
        self.assertNotIn(self.sister.id, exposures)
        group = self.env["credit.group"].create(
            {
                "name": "Holding",
                "credit_limit": 1500.0,
                "partner_ids": [Command.set(self.customer.ids)],
            }
        )
        exposures = Exposure._compute_exposures(self.company, self.customer.ids)
        self.assertNotIn(self.sister.id, exposures)
        group.partner_ids = [Command.link(self.sister.id)]
        exposures = Exposure._compute_exposures(self.company, self.customer.ids)
        self.assertEqual(exposures[self.sister.id].total, 1000.0)
        order = self.order(600.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")
        group.action_archive()
        exposures = Exposure._compute_exposures(self.company, self.customer.ids)
        self.assertNotIn(self.sister.id, exposures)

    def test_merged_member_stays_in_the_group(self):
        heir = self.env["res.partner"].create({"name": "Heir", "is_company": True})
        self.env["credit.group"]._credit_group_members()  # cached
        self.env["base.partner.merge.automatic.wizard"]._merge(
            (self.sister | heir).ids, heir, extra_checks=False
        )
        self.assertEqual(self.group.partner_ids, self.customer | heir)
        exposures = self.env["credit.exposure"]._compute_exposures(
            self.company, self.customer.ids
        )
        self.assertEqual(exposures[heir.id].total, 1000.0)

    def test_within_group_limit_confirms(self):
        order = self.order(500.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "approved")

    def test_contact_of_a_member_counts_for_the_group(self):
        contact = self.env["res.partner"].create(
            {"name": "Sister Buyer", "parent_id": self.sister.id}
        )
        order = self.order(400.0, partner=contact)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.figures(self.customer).credit_group_exposure, 1400.0)
        held = self.order(101.0)
        held.action_confirm()
        self.assertEqual(held.credit_state, "hold")

    def test_tolerance_applies_to_the_group(self):
        self.policy.tolerance_pct = 10.0
        order = self.order(600.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_archived_group_or_no_limit_holds_nothing(self):
        self.group.credit_limit = 0.0
        first = self.order(600.0)
        first.action_confirm()
        self.assertEqual(first.state, "sale")
        self.group.write({"credit_limit": 1500.0, "active": False})
        second = self.order(300.0)
        second.action_confirm()
        self.assertEqual(second.state, "sale")

    def test_partner_and_group_figures(self):
        partner = self.figures(self.customer)
        self.assertEqual(partner.credit_group_id, self.group)
        self.assertEqual(partner.credit_group_limit, 1500.0)
        self.assertEqual(partner.credit_group_exposure, 1000.0)
        self.assertEqual(partner.credit_exposure, 0.0)
        self.assertEqual(self.group.exposure, 1000.0)
        self.assertEqual(self.group.available, 500.0)
        self.assertAlmostEqual(self.group.utilisation, 1000.0 / 15.0)
        self.assertFalse(
            self.figures(
                self.env["res.partner"].create({"name": "Alone"})
            ).credit_group_id
        )

    def test_one_group_per_customer_and_company(self):
        with self.assertRaises(ValidationError):
            self.env["credit.group"].create(
                {"name": "Other", "partner_ids": [Command.set(self.sister.ids)]}
            )
        other = self.setup_other_company(name="Group Elsewhere")["company"]
        elsewhere = self.env["credit.group"].create(
            {
                "name": "Other",
                "company_id": other.id,
                "partner_ids": [Command.set(self.sister.ids)],
            }
        )
        self.assertEqual(elsewhere.member_count, 1)

    def test_group_of_another_company_does_not_apply(self):
        self.group.company_id = self.setup_other_company(name="Group Co")["company"]
        order = self.order(600.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self.group.credit_limit = -1.0
        with self.assertRaises(ValidationError):
            self.group.partner_ids = [Command.link(self.contact.id)]

    def test_only_credit_managers_change_groups(self):
        salesman = new_test_user(
            self.env,
            login="group_salesman",
            groups="sales_team.group_sale_salesman,credit_control.group_credit_controller",
        )
        self.assertEqual(self.group.with_user(salesman).credit_limit, 1500.0)
        with self.assertRaises(AccessError):
            self.group.with_user(salesman).credit_limit = 1e9
        with self.assertRaises(AccessError):
            self.env["credit.group"].with_user(salesman).create({"name": "Mine"})

    def test_members_lock_the_group(self):
        """Two members' checks take one common lock, the group's first member's."""
        Lock = self.env["credit.check.lock"].sudo()
        first = min(self.customer.id, self.sister.id)
        Lock._acquire([(self.contact.id, self.env.company.id)])
        locks = Lock.search([("company_id", "=", self.env.company.id)])
        self.assertIn(first, locks.partner_id.ids)
        self.assertIn(self.customer.id, locks.partner_id.ids)
