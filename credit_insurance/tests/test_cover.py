from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestCover(InsuranceCommon):
    def test_every_decision_is_kept_with_who_and_when(self):
        cover = self.cover(1000.0, insurer_reference="B-42")
        self.assertEqual(cover.state, "approved")
        self.assertEqual(cover.amount_approved, 1000.0)
        self.assertEqual(cover.insured_pct, 90.0)
        self.assertEqual(
            cover.line_ids.sorted("id").mapped("state"), ["requested", "approved"]
        )
        self.assertEqual(cover.line_ids.user_id, self.env.user)
        self.assertEqual(set(cover.line_ids.mapped("insurer_reference")), {"B-42"})
        with self.assertRaises(UserError):
            cover.unlink()

    def test_decision_wizard_records_a_partial_approval(self):
        cover = self.env["credit.insurance.cover"].create(
            {
                "policy_id": self.insurance.id,
                "partner_id": self.customer.id,
                "amount_requested": 5000.0,
            }
        )
        cover.action_request()
        wizard = self.env["credit.insurance.decision"].create(
            {
                "cover_id": cover.id,
                "state": "partial",
                "amount": 3000.0,
                "insurer_reference": "DEC-7",
            }
        )
        wizard.action_confirm()
        self.assertEqual(cover.state, "partial")
        self.assertEqual(cover.amount_in_force, 3000.0)
        self.assertEqual(cover.line_ids.sorted("id")[-1].insurer_reference, "DEC-7")

    def test_state_and_amount_follow_decisions_only(self):
        cover = self.cover(1000.0)
        for values in ({"state": "approved"}, {"amount_approved": 9e6}):
            with self.assertRaises(AccessError):
                cover.write(values)
        with self.assertRaises(AccessError):
            self.env["credit.insurance.cover"].create(
                {
                    "policy_id": self.insurance.id,
                    "partner_id": self.insurer.id,
                    "state": "approved",
                }
            )
        with self.assertRaises(UserError):
            cover.partner_id = self.insurer

    def test_bad_input_is_refused(self):
        Cover = self.env["credit.insurance.cover"]
        base = {"policy_id": self.insurance.id, "partner_id": self.customer.id}
        with self.assertRaises(ValidationError):
            Cover.create(dict(base, insured_pct=120.0))
        with self.assertRaises(ValidationError):
            Cover.create(dict(base, amount_requested=-1.0))
        with self.assertRaises(ValidationError):
            Cover.create(dict(base, date_expiry=self.today - timedelta(days=100)))
        with self.assertRaises(ValidationError):
            self.insurance.insured_pct = -5
        with self.assertRaises(ValidationError):
            self.insurance.mep_days = -1
        cover = self.cover(1000.0)
        with self.assertRaises(ValidationError):
            self.cover(2000.0)
        with self.assertRaises(ValidationError):
            cover._record_decision("approved", 0.0, self.today, self.today)
        with self.assertRaises(UserError):
            cover.action_request()
        self.assertEqual(cover.amount_approved, 1000.0)

    def test_a_new_cover_after_a_refusal(self):
        cover = self.cover(1000.0)
        cover._record_decision("refused", 0.0, self.today, self.today)
        again = self.cover(500.0, effective=self.today)
        self.assertEqual(self.figures().credit_insurance_cover, 500.0)
        self.assertEqual(again.state, "approved")

    def test_rights(self):
        cover = self.cover(1000.0)
        salesman = new_test_user(
            self.env, "insurance_salesman", groups="sales_team.group_sale_salesman"
        )
        controller = new_test_user(
            self.env,
            "insurance_controller",
            groups="credit_control.group_credit_controller",
        )
        portal = new_test_user(self.env, "insurance_portal", groups="base.group_portal")
        for user in (salesman, controller):
            self.assertEqual(cover.with_user(user).amount_approved, 1000.0)
            with self.assertRaises(AccessError):
                cover.with_user(user)._record_decision(
                    "approved", 1e9, self.today, self.today
                )
            with self.assertRaises(AccessError):
                cover.with_user(user).insured_pct = 100
            with self.assertRaises(AccessError):
                self.insurance.with_user(user).max_credit_days = 999
        with self.assertRaises(AccessError):
            cover.with_user(portal).read(["amount_approved"])

    def test_other_company_does_not_see_the_covers(self):
        cover = self.cover(1000.0)
        other = self.setup_other_company(name="Other Insured Co")
        user = new_test_user(
            self.env,
            "insurance_other_company",
            groups="credit_control.group_credit_manager",
            company_id=other["company"].id,
            company_ids=[other["company"].id],
        )
        self.assertFalse(
            self.env["credit.insurance.cover"]
            .with_user(user)
            .search([("id", "=", cover.id)])
        )

    def test_cron_expires_covers_and_reminds_before(self):
        expired = self.cover(1000.0, date_expiry=self.today - timedelta(days=1))
        soon = self.cover(
            1000.0,
            partner=self.insurer,
            date_expiry=self.today + timedelta(days=5),
        )
        self.env["credit.insurance.cover"]._cron_expiries()
        self.assertEqual(expired.state, "expired")
        self.assertEqual(expired.line_ids.sorted("id")[-1].state, "expired")
        self.assertTrue(soon.activity_ids)
        self.env["credit.insurance.cover"]._cron_expiries()
        self.assertEqual(len(soon.activity_ids), 1)
        self.assertEqual(len(expired.line_ids), 3)
