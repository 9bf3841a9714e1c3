from contextlib import contextmanager
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestGuarantee(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Guarantee = cls.env["credit.guarantee"]
        cls.bank = cls.env["res.partner"].create(
            {"name": "Bank of Guarantees", "is_company": True}
        )
        company = cls.env.company.id
        cls.salesman = new_test_user(
            cls.env,
            login="guarantee_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=company,
        )
        cls.controller = new_test_user(
            cls.env,
            login="guarantee_controller",
            groups="credit_control.group_credit_controller",
            company_id=company,
        )
        cls.responsible = new_test_user(
            cls.env,
            login="guarantee_responsible",
            groups="credit_control.group_credit_user",
            company_id=company,
        )

    def guarantee(self, amount, validate=True, company=None, **values):
        Guarantee = self.Guarantee.with_company(company) if company else self.Guarantee
        guarantee = Guarantee.create(
            {
                "partner_id": self.customer.id,
                "issuer_id": self.bank.id,
                "amount": amount,
                "date_start": self.today,
                "date_end": self.today + timedelta(days=90),
                **values,
            }
        )
        if validate:
            guarantee.action_validate()
        return guarantee

    @contextmanager
    def refused(self, exception, pattern):
        """Odoo's assertRaises rolls the refused change back (assertRaisesRegex
        does not)."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), pattern)

    def assert_limit(self, limit, guarantees, partner=None):
        partner = self.figures(partner)
        self.assertEqual(partner.credit_guarantees, guarantees)
        self.assertEqual(partner.credit_effective_limit, limit)

    # The limit

    def test_valid_guarantee_raises_the_limit(self):
        guarantee = self.guarantee(500.0)
        self.assertTrue(guarantee.in_force)
        self.assert_limit(1500.0, 500.0)
        self.assert_limit(1500.0, 500.0, self.contact)
        order = self.order(1300.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.credit_state, "warning")
        self.assertFalse(order.credit_hold_ids)
        guarantee.action_release()
        self.assertEqual(guarantee.state, "released")
        self.assert_limit(1000.0, 0.0)
        held = self.order(100.0)
        held.action_confirm()
        self.assertEqual(held.credit_state, "hold")
        self.assertEqual(held.credit_hold_ids.credit_limit, 1000.0)

    def test_guarantees_add_up_across_currencies(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2000-01-01", 4.0), (str(self.today), 2.0)]
        )
        self.guarantee(1000.0, currency_id=eur.id)
        self.guarantee(200.0, guarantee_type="deposit", date_end=False)
        self.assert_limit(1700.0, 700.0)

    def test_guarantees_not_in_force_do_not_count(self):
        self.guarantee(100.0, validate=False)
        self.guarantee(200.0, date_start=self.today + timedelta(days=1))
        ended = self.guarantee(300.0)
        ended.write(
            {
                "date_start": self.today - timedelta(days=30),
                "date_end": self.today - timedelta(days=1),
            }
        )
        self.guarantee(400.0).action_release()
        other = self.setup_other_company(name="Other Guarantee Co")["company"]
        self.guarantee(500.0, company=other, company_id=other.id)
        someone = self.env["res.partner"].create(
            {"name": "Someone", "is_company": True}
        )
        self.guarantee(600.0, partner_id=someone.id)
        self.assert_limit(1000.0, 0.0)
        self.assertEqual(self.customer.with_company(other).credit_guarantees, 500.0)

    def test_policy_may_leave_guarantees_out_of_the_limit(self):
        self.guarantee(500.0)
        self.policy.guarantees_in_limit = False
        self.assert_limit(1000.0, 500.0)
        order = self.order(1300.0)
        order.action_confirm()
        self.assertEqual(order.credit_state, "hold")

    def test_customer_without_limit(self):
        self.customer.credit_limit = 0.0
        self.guarantee(500.0)
        # unlimited credit stays unlimited
        self.assert_limit(0.0, 500.0)
        # a cash customer gets credit up to its guarantees
        self.policy.no_limit_action = "hold"
        self.assert_limit(500.0, 500.0)
        self.assertEqual(self.order(400.0, confirm=True).state, "sale")
        self.assertEqual(self.order(200.0, confirm=True).credit_state, "hold")

    def test_exposure_report_and_one_query(self):
        self.guarantee(500.0)
        self.env["credit.exposure"]._refresh(self.env.company)
        row = self.env["credit.exposure"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("company_id", "=", self.env.company.id),
            ]
        )
        self.assertEqual(row.guarantees, 500.0)
        self.assertEqual(row.credit_limit, 1500.0)
        order = self.order(100.0)
        order._credit_evaluate()
        self.env.flush_all()
        with self.assertQueryCount(1):
            _reasons, figures = order._credit_evaluate()
        self.assertEqual(figures["credit_limit"], 1500.0)

    # Expiry

    def test_cron_expires_and_the_limit_falls_back(self):
        guarantee = self.guarantee(500.0, date_end=self.today + timedelta(days=5))
        cron = self.env.ref("credit_control.ir_cron_credit_guarantee_expiries")
        self.assertEqual(cron.code, "model._cron_expiries()")
        with freeze_time(self.today + timedelta(days=5)):
            self.Guarantee._cron_expiries()
            self.assertEqual(guarantee.state, "valid")
            self.assert_limit(1500.0, 500.0)
        with freeze_time(self.today + timedelta(days=6)):
            self.assert_limit(1000.0, 0.0)
            self.Guarantee._cron_expiries()
            self.assertEqual(guarantee.state, "expired")
            self.assertFalse(guarantee.in_force)
        self.assert_limit(1000.0, 0.0)

    def test_reminder_once_before_the_end(self):
        ending = self.guarantee(
            500.0,
            user_id=self.responsible.id,
            date_end=self.today + timedelta(days=10),
        )
        later = self.guarantee(500.0, date_end=self.today + timedelta(days=60))
        unowned = self.guarantee(
            100.0, user_id=False, date_end=self.today + timedelta(days=30)
        )
        self.Guarantee._cron_expiries()
        activity = ending.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.responsible)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(activity.date_deadline, ending.date_end)
        self.assertIn(self.customer.name, str(activity.note))
        self.assertFalse(later.activity_ids)
        self.assertIn(self.env.user, unowned.activity_ids.user_id)
        activity.action_feedback("Renewal asked")
        self.Guarantee._cron_expiries()
        self.assertFalse(ending.activity_ids)
        self.assertEqual(len(unowned.activity_ids), 1)
        # a new end date, a new reminder when it nears
        ending.date_end = self.today + timedelta(days=20)
        self.assertFalse(ending.reminder_sent)
        self.Guarantee._cron_expiries()
        self.assertEqual(len(ending.activity_ids), 1)

    def test_no_reminder_when_switched_off(self):
        self.env.company.credit_guarantee_reminder_days = 0
        guarantee = self.guarantee(500.0, date_end=self.today + timedelta(days=1))
        self.Guarantee._cron_expiries()
        self.assertFalse(guarantee.activity_ids)

    # Rights

    def test_salesperson_sees_the_figure_but_cannot_enter_guarantees(self):
        self.guarantee(500.0)
        partner = self.customer.with_user(self.salesman)
        self.assertEqual(partner.credit_guarantees, 500.0)
        self.assertEqual(partner.credit_effective_limit, 1500.0)
        Guarantee = self.Guarantee.with_user(self.salesman)
        with self.assertRaises(AccessError):
            Guarantee.create({"partner_id": self.customer.id, "amount": 1.0})
        draft = self.guarantee(100.0, validate=False)
        with self.assertRaises(AccessError):
            draft.with_user(self.salesman).action_validate()
        with self.assertRaises(AccessError):
            draft.with_user(self.salesman).write({"amount": 1e6})

    def test_controller_enters_manager_validates(self):
        Guarantee = self.Guarantee.with_user(self.controller)
        draft = Guarantee.create(
            {
                "partner_id": self.customer.id,
                "issuer_id": self.bank.id,
                "amount": 500.0,
                "date_end": self.today + timedelta(days=30),
            }
        )
        draft.amount = 600.0
        with self.assertRaises(AccessError):
            draft.action_validate()
        with self.assertRaises(AccessError):
            draft.write({"state": "valid"})
        with self.assertRaises(AccessError):
            Guarantee.create(
                {"partner_id": self.customer.id, "amount": 1.0, "state": "valid"}
            )
        self.assert_limit(1000.0, 0.0)
        draft.with_user(self.env.user).action_validate()
        self.assertEqual(draft.state, "valid")
        with self.assertRaises(AccessError):
            draft.write({"amount": 1e6})
        with self.assertRaises(AccessError):
            draft.write({"date_end": self.today + timedelta(days=3650)})
        with self.assertRaises(AccessError):
            draft.action_release()
        with self.assertRaises(UserError):
            draft.unlink()
        draft.write({"reference": "BG-2026-001", "note": "Original in the safe"})
        self.assert_limit(1600.0, 600.0)
        draft.with_user(self.env.user).date_end = self.today + timedelta(days=60)
        Guarantee.create(
            {"partner_id": self.customer.id, "amount": 1.0, "guarantee_type": "deposit"}
        ).unlink()

    # Bad input

    def test_bad_input(self):
        for values, pattern in (
            ({"amount": 0.0}, "above 0"),
            ({"amount": -10.0}, "above 0"),
            ({"date_end": self.today - timedelta(days=1)}, "end before it starts"),
            ({"date_end": False}, "only a cash deposit"),
            ({"partner_id": self.contact.id}, "contact of"),
        ):
            with self.subTest(values=values):
                with self.refused(ValidationError, pattern):
                    self.guarantee(validate=False, **{"amount": 500.0, **values})
        deposit = self.guarantee(
            500.0, validate=False, guarantee_type="deposit", date_end=False
        )
        self.assertEqual(deposit.state, "draft")
        with self.refused(UserError, "issuer"):
            self.guarantee(500.0, issuer_id=False)
        with self.refused(UserError, "Only a valid"):
            deposit.action_release()
        ended = self.guarantee(500.0, validate=False)
        ended.write(
            {
                "date_start": self.today - timedelta(days=30),
                "date_end": self.today - timedelta(days=1),
            }
        )
        with self.refused(UserError, "cannot be validated"):
            ended.action_validate()
        deposit.action_validate()
        with self.refused(UserError, "Only a draft"):
            deposit.action_validate()
        with self.assertRaises(ValidationError):
            self.env.company.credit_guarantee_reminder_days = -1
