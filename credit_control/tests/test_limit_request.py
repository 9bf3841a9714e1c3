from datetime import timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCommon

APPROVAL = "credit_control.mail_activity_credit_limit_approval"


@tagged("post_install", "-at_install")
class TestLimitRequest(CreditCommon):
    """Requests approved by a Credit Controller from 0 and then by a Credit Manager
    from 10 000, made by a salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.Level = cls.env["credit.limit.approval.level"]
        cls.Level.search([("company_id", "=", cls.company.id)]).unlink()
        cls.controller_group = cls.env.ref("credit_control.group_credit_controller")
        cls.manager_group = cls.env.ref("credit_control.group_credit_manager")
        cls.controller_level = cls.Level.create(
            {"name": "Controller", "sequence": 10, "group_id": cls.controller_group.id}
        )
        cls.manager_level = cls.Level.create(
            {
                "name": "Manager",
                "sequence": 20,
                "group_id": cls.manager_group.id,
                "min_amount": 10000.0,
            }
        )

        def user(login, groups):
            return new_test_user(
                cls.env, login=login, groups=groups, company_id=cls.company.id
            )

        cls.salesman = user("clr_salesman", "sales_team.group_sale_salesman")
        cls.other_salesman = user("clr_salesman_2", "sales_team.group_sale_salesman")
        cls.credit_user = user("clr_user", "credit_control.group_credit_user")
        cls.controller = user(
            "clr_controller", "credit_control.group_credit_controller"
        )
        cls.manager = user("clr_manager", "credit_control.group_credit_manager")
        cls.manager_2 = user("clr_manager_2", "credit_control.group_credit_manager")
        cls.History = cls.env["credit.limit.history"]

    def request(self, amount, user=None, kind="permanent", **values):
        Request = self.env["credit.limit.request"].with_user(user or self.salesman)
        return Request.create(
            {
                "partner_id": self.customer.id,
                "kind": kind,
                "amount": amount,
                "justification": "Bigger orders this season",
                **values,
            }
        )

    def submitted(self, amount, user=None, **values):
        request = self.request(amount, user=user, **values)
        request.action_submit()
        return request

    def activity_users(self, request):
        return (
            request.sudo()
            .activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(APPROVAL)
            )
            .user_id
        )

    # Approval levels

    def test_every_company_gets_a_default_level(self):
        other = self.env["res.company"].sudo().create({"name": "Later Company"})
        level = self.Level.sudo().search([("company_id", "=", other.id)])
        self.assertRecordValues(
            level,
            [{"group_id": self.manager_group.id, "min_amount": 0.0, "active": True}],
        )
        self.assertEqual(level.with_context(lang="en_US").name, "Credit Manager")
        companies = self.env["res.company"].sudo().search([])
        self.assertEqual(
            set(self.Level.sudo()._read_group([], ["company_id"])),
            {(company,) for company in companies},
        )
        before = self.Level.sudo().with_context(active_test=False).search([])
        self.Level._credit_ensure_default_levels()
        self.assertEqual(
            self.Level.sudo().with_context(active_test=False).search([]), before
        )

    def test_only_managers_change_levels(self):
        values = {"name": "Director", "group_id": self.manager_group.id}
        for user in (self.controller, self.salesman):
            with self.assertRaises(AccessError):
                self.Level.with_user(user).create(values)
            with self.assertRaises(AccessError):
                self.manager_level.with_user(user).write({"min_amount": 1.0})
        self.Level.with_user(self.manager).create(values)
        with self.assertRaises(ValidationError):
            self.manager_level.min_amount = -1.0

    # Routing

    def test_small_request_needs_one_level(self):
        self.order(300.0, confirm=True)
        request = self.submitted(5000.0)
        self.assertRecordValues(
            request,
            [
                {
                    "state": "submitted",
                    "user_id": self.salesman.id,
                    "approval_amount": 5000.0,
                    "current_limit": 1000.0,
                    "current_exposure": 300.0,
                }
            ],
        )
        self.assertTrue(request.name.startswith("CLR/"))
        self.assertEqual(request.approval_ids.level_id, self.controller_level)
        self.assertEqual(request.current_group_id, self.controller_group)
        # each member of the group in the company gets a to-do, not the requester
        approvers = self.activity_users(request)
        self.assertIn(self.controller, approvers)
        self.assertIn(self.manager, approvers)
        self.assertNotIn(self.salesman, approvers)
        self.assertNotIn(self.credit_user, approvers)
        request.with_user(self.controller).action_approve("Good payer")
        self.assertEqual(request.state, "applied")
        self.assertRecordValues(
            request.approval_ids,
            [
                {
                    "state": "approved",
                    "user_id": self.controller.id,
                    "note": "Good payer",
                }
            ],
        )
        self.assertFalse(self.activity_users(request))
        self.assertEqual(self.customer.credit_limit, 5000.0)

    def test_large_request_needs_every_level_in_sequence(self):
        request = self.submitted(50000.0)
        self.assertEqual(
            request.approval_ids.level_id, self.controller_level | self.manager_level
        )
        self.assertEqual(request.approval_ids[0].level_id, self.controller_level)
        request.with_user(self.manager).action_approve()
        self.assertRecordValues(
            request.approval_ids,
            [
                {"state": "approved", "user_id": self.manager.id},
                {"state": "pending", "user_id": False},
            ],
        )
        self.assertEqual(request.state, "submitted")
        self.assertEqual(self.customer.credit_limit, 1000.0)
        # the next level's members get the to-do, but the one who approved already
        approvers = self.activity_users(request)
        self.assertIn(self.manager_2, approvers)
        self.assertNotIn(self.manager, approvers)
        self.assertNotIn(self.controller, approvers)
        with self.assertRaises(AccessError):
            request.with_user(self.controller).action_approve()
        with self.assertRaisesRegex(UserError, "already approved"):
            request.with_user(self.manager).action_approve()
        request.with_user(self.manager_2).action_approve()
        self.assertEqual(request.state, "applied")
        self.assertEqual(self.customer.credit_limit, 50000.0)

    def test_temporary_amount_counts_on_top_of_the_limit(self):
        self.customer.credit_limit = 9000.0
        end = self.today + timedelta(days=30)
        request = self.submitted(1500.0, kind="temporary", date_end=end)
        self.assertEqual(request.approval_amount, 10500.0)
        self.assertEqual(len(request.approval_ids), 2)

    def test_without_any_level_the_credit_managers_approve(self):
        self.controller_level.active = False
        request = self.submitted(5000.0)
        self.assertRecordValues(
            request.approval_ids,
            [{"group_id": self.manager_group.id, "level_id": False}],
        )
        with self.assertRaises(AccessError):
            request.with_user(self.controller).action_approve()
        request.with_user(self.manager).action_approve()
        self.assertEqual(request.state, "applied")

    # Who decides

    def test_requester_never_approves(self):
        request = self.submitted(50000.0, user=self.manager)
        self.assertNotIn(self.manager, self.activity_users(request))
        with self.assertRaisesRegex(UserError, "someone else"):
            request.with_user(self.manager).action_approve()
        with self.assertRaisesRegex(UserError, "someone else"):
            request.with_user(self.manager).action_reject("No")
        request.with_user(self.controller).action_approve()
        request.with_user(self.manager_2).action_approve()
        self.assertEqual(request.state, "applied")

    def test_salesman_cannot_approve(self):
        request = self.submitted(5000.0)
        with self.assertRaises(UserError):
            request.with_user(self.salesman).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.credit_user).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.other_salesman).action_approve()
        self.assertEqual(request.state, "submitted")

    def test_approver_outside_the_credit_groups(self):
        sales_managers = self.env.ref("sales_team.group_sale_manager")
        self.controller_level.group_id = sales_managers
        sales_manager = new_test_user(
            self.env,
            login="clr_sales_manager",
            groups="sales_team.group_sale_manager",
            company_id=self.company.id,
        )
        request = self.submitted(5000.0)
        self.assertIn(sales_manager, self.activity_users(request))
        Request = self.env["credit.limit.request"].with_user(sales_manager)
        self.assertEqual(Request.search([("to_approve_by_me", "=", True)]), request)
        request.with_user(sales_manager).approval_ids.mapped("group_id")
        with self.assertRaises(AccessError):
            request.with_user(self.controller).action_approve()
        request.with_user(sales_manager).action_approve()
        self.assertEqual(request.state, "applied")

    def test_to_approve_by_me(self):
        request = self.submitted(50000.0)
        Request = self.env["credit.limit.request"]

        def to_approve(user):
            found = Request.with_user(user).search([("to_approve_by_me", "=", True)])
            self.assertEqual(request in found, request.with_user(user).to_approve_by_me)
            return request in found

        self.assertTrue(to_approve(self.controller))
        self.assertTrue(to_approve(self.manager))
        self.assertFalse(to_approve(self.salesman))
        self.assertFalse(to_approve(self.credit_user))
        request.with_user(self.manager).action_approve()
        request.invalidate_recordset()
        self.assertFalse(to_approve(self.controller))
        self.assertFalse(to_approve(self.manager))
        self.assertTrue(to_approve(self.manager_2))

    # Decisions

    def test_reject(self):
        request = self.submitted(50000.0)
        with self.assertRaisesRegex(UserError, "why"):
            request.with_user(self.controller).action_reject("  ")
        request.with_user(self.controller).action_reject("Too many overdue invoices")
        self.assertEqual(request.state, "rejected")
        self.assertRecordValues(
            request.approval_ids,
            [
                {"state": "rejected", "note": "Too many overdue invoices"},
                {"state": "pending", "note": False},
            ],
        )
        self.assertFalse(request.current_approval_id)
        self.assertFalse(self.activity_users(request))
        self.assertEqual(self.customer.credit_limit, 1000.0)
        message = request.message_ids.filtered(
            lambda m: "Too many overdue invoices" in m.body
        )
        self.assertIn(self.salesman.partner_id, message.partner_ids)
        with self.assertRaises(UserError):
            request.with_user(self.manager).action_approve()

    def test_decision_wizard(self):
        request = self.submitted(5000.0)
        action = request.with_user(self.controller).action_open_decision()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.controller)
            .with_context(**action["context"])
            .with_context(default_decision="reject")
        )
        wizard.note = "Not now"
        wizard.save().action_apply()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.approval_ids.user_id, self.controller)

    def test_apply_logs_the_limit_history(self):
        request = self.submitted(5000.0)
        request.with_user(self.controller).action_approve()
        lines = self.History.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            lines,
            [
                {
                    "kind": "limit",
                    "old_amount": 1000.0,
                    "new_amount": 5000.0,
                    "source": "request",
                    "reason": "Bigger orders this season",
                    "user_id": self.controller.id,
                    "company_id": self.company.id,
                }
            ],
        )
        self.assertTrue(
            self.customer.message_ids.filtered(lambda m: request.name in m.body)
        )
        told = request.message_ids.filtered(
            lambda m: self.salesman.partner_id in m.partner_ids
        )
        self.assertIn("5,000.00", told.body)

    def test_temporary_request_applies_then_expires(self):
        end = self.today + timedelta(days=10)
        request = self.submitted(2000.0, kind="temporary", date_end=end)
        self.assertEqual(request.approval_amount, 3000.0)
        request.with_user(self.controller).action_approve()
        self.assertEqual(request.state, "applied")
        self.assertEqual(self.customer.credit_limit, 1000.0)
        self.assertEqual(self.customer.credit_limit_temp, 2000.0)
        self.assertEqual(self.customer.credit_limit_temp_end, end)
        history = self.History.search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            history,
            [{"kind": "temporary", "new_amount": 2000.0, "source": "request"}],
        )
        waiting = self.submitted(500.0, kind="temporary", date_end=end)
        Request = self.env["credit.limit.request"]
        Request._cron_expire()
        self.assertEqual(request.state, "applied")
        with freeze_time(end + timedelta(days=1)):
            with self.assertRaisesRegex(UserError, "ended"):
                waiting.with_user(self.controller).action_approve()
            Request._cron_expire()
        self.assertEqual(request.state, "expired")
        self.assertEqual(waiting.state, "expired")
        self.assertFalse(self.activity_users(waiting))

    def test_temporary_request_needs_a_future_end(self):
        with self.assertRaises(ValidationError):
            self.request(500.0, kind="temporary")
        with self.assertRaises(ValidationError):
            self.request(500.0, kind="temporary", date_end=self.today)
        with self.assertRaises(ValidationError):
            self.request(-5.0)

    # Writes

    def test_no_edit_after_submission(self):
        request = self.submitted(5000.0)
        as_salesman = request.with_user(self.salesman)
        with self.assertRaisesRegex(UserError, "draft"):
            as_salesman.write({"amount": 90000.0})
        with self.assertRaises(UserError):
            request.with_user(self.manager).write({"justification": "Changed"})
        for values in ({"state": "applied"}, {"user_id": self.manager.id}):
            with self.assertRaises(AccessError):
                as_salesman.write(values)
        with self.assertRaises(UserError):
            as_salesman.unlink()
        # withdrawn, it is a draft again that its requester changes and submits
        as_salesman.action_draft()
        self.assertRecordValues(request, [{"state": "draft", "approval_ids": []}])
        self.assertFalse(self.activity_users(request))
        as_salesman.write({"amount": 6000.0})
        as_salesman.action_submit()
        self.assertEqual(request.current_group_id, self.controller_group)

    def test_only_the_requester_edits_a_draft(self):
        request = self.request(5000.0)
        with self.assertRaises(AccessError):
            request.with_user(self.manager).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            request.with_user(self.manager).action_submit()
        with self.assertRaises(AccessError):
            self.request(5000.0, user_id=self.manager.id)
        request.with_user(self.salesman).unlink()

    def test_salesman_requests_for_customers_only(self):
        with self.assertRaises(ValidationError):
            self.request(5000.0, partner_id=self.contact.id)
        with self.assertRaisesRegex(UserError, "already has"):
            self.request(1000.0).action_submit()

    # Visibility

    def test_salespeople_read_their_own_requests(self):
        request = self.submitted(5000.0)
        Request = self.env["credit.limit.request"]
        self.assertEqual(Request.with_user(self.salesman).search([]), request)
        request.with_user(self.salesman).approval_ids.mapped("state")
        self.assertFalse(Request.with_user(self.other_salesman).search([]))
        with self.assertRaises(AccessError):
            request.with_user(self.other_salesman).read(["amount"])
        self.assertIn(request, Request.with_user(self.credit_user).search([]))

    def test_other_company_requests_are_invisible(self):
        other = self.env["res.company"].sudo().create({"name": "Other Credit Co"})
        elsewhere = (
            self.env["credit.limit.request"]
            .sudo()
            .with_company(other)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "amount": 5000.0,
                    "justification": "Elsewhere",
                }
            )
        )
        Request = self.env["credit.limit.request"]
        for user in (self.manager, self.credit_user):
            self.assertNotIn(elsewhere, Request.with_user(user).search([]))
            with self.assertRaises(AccessError):
                elsewhere.with_user(user).read(["amount"])

    # Scoring

    def test_downgrade_opens_a_request(self):
        scorecard = self.env["credit.scorecard"]._active_for(self.company)
        best = scorecard.grade_ids.sorted("min_score")[-1]
        self.env["credit.score.history"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date": self.today - timedelta(days=1),
                "score": 95.0,
                "grade_id": best.id,
                "scorecard_id": scorecard.id,
            }
        )
        self.customer.credit_limit = 100000.0
        self.policy.score_downgrade_action = "request"
        for days in (400, 300, 200, 100):
            self.invoice(1000.0, days_overdue=days)
        self.customer.action_credit_score_now()
        self.assertEqual(self.customer.credit_limit, 100000.0)
        request = self.env["credit.limit.request"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            request,
            [
                {
                    "state": "submitted",
                    "kind": "permanent",
                    "user_id": SUPERUSER_ID,
                    "amount": self.customer.credit_proposed_limit,
                }
            ],
        )
        self.assertLess(request.amount, 100000.0)
        self.assertIn("Grade fell", request.justification)
        # the people who run the scoring approve it
        for approver in (self.env.user, self.manager):
            if request.state == "submitted":
                request.with_user(approver).action_approve()
        self.assertEqual(request.state, "applied")
        self.assertEqual(self.customer.credit_limit, request.amount)
        self.assertEqual(
            self.History.search(
                [("partner_id", "=", self.customer.id), ("source", "=", "request")]
            ).new_amount,
            request.amount,
        )

    # Screens

    def test_salesman_opens_the_screens(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        customer = Partner.browse(self.customer.id)
        arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("action_credit_new_limit_request", arch)
        action = customer.action_credit_new_limit_request()
        Request = self.env[action["res_model"]].with_user(self.salesman)
        views = Request.get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertIn("to_approve", views["views"]["search"]["arch"])
        request = Request.with_context(**action["context"]).create(
            {"amount": 4000.0, "justification": "New shop"}
        )
        self.assertEqual(request.partner_id, self.customer)
        request.action_submit()
        request.web_read(
            {
                "state": {},
                "approval_ids": {"fields": {"state": {}, "group_id": {}}},
                "current_grade_id": {"fields": {"display_name": {}}},
            }
        )
        listed = customer.action_credit_open_limit_requests()
        self.assertEqual(Request.search(listed["domain"]), request)
