from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CreditCommon

DISPUTE_FIELDS = [
    "credit_disputed",
    "credit_dispute_reason",
    "credit_dispute_date",
    "credit_dispute_user_id",
]


@tagged("post_install", "-at_install")
class TestDispute(CreditCommon):
    """A Credit Controller flags and closes disputes on customer invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.controller = new_test_user(
            cls.env,
            login="dispute_controller",
            groups="credit_control.group_credit_controller,"
            "account.group_account_invoice",
            company_id=company.id,
        )
        cls.salesman = new_test_user(
            cls.env,
            login="dispute_salesman",
            groups="sales_team.group_sale_salesman,account.group_account_invoice",
            company_id=company.id,
        )

    def wizard(self, moves, user=None, **values):
        """The wizard as the action bound to invoices opens it."""
        return (
            self.env["credit.dispute"]
            .with_user(user or self.controller)
            .with_context(
                active_model="account.move",
                active_ids=moves.ids,
                default_move_ids=moves.ids,
            )
            .create({"reason": "Goods damaged", **values})
        )

    def assertNotDisputed(self, move):
        move.invalidate_recordset()
        for name in DISPUTE_FIELDS:
            self.assertFalse(move[name], name)

    def test_controller_flags_and_closes_a_dispute(self):
        invoice = self.invoice(300.0, days_overdue=10)
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 300.0)
        self.assertEqual(partner.credit_exposure, 300.0)

        wizard = self.wizard(invoice, reason="  Goods damaged  ")
        self.assertEqual(wizard.move_ids, invoice)
        result = wizard.action_confirm()
        self.assertEqual(result["type"], "ir.actions.act_window_close")

        invoice.invalidate_recordset()
        self.assertTrue(invoice.credit_disputed)
        self.assertEqual(invoice.credit_dispute_reason, "Goods damaged")
        self.assertEqual(invoice.credit_dispute_date, self.today)
        self.assertEqual(invoice.credit_dispute_user_id, self.controller)
        # a disputed invoice is still owed
        partner = self.figures()
        self.assertEqual(partner.credit_receivable, 300.0)
        self.assertEqual(partner.credit_exposure, 300.0)
        # an accountant without any credit group reads the dispute
        accountant = new_test_user(
            self.env,
            login="dispute_accountant",
            groups="account.group_account_invoice",
            company_id=self.env.company.id,
        )
        values = invoice.with_user(accountant).read(DISPUTE_FIELDS)[0]
        self.assertTrue(values["credit_disputed"])
        self.assertEqual(values["credit_dispute_reason"], "Goods damaged")

        invoice.with_user(self.controller).action_credit_dispute_close()
        self.assertNotDisputed(invoice)
        self.assertEqual(self.figures().credit_exposure, 300.0)

    def test_salesman_cannot_dispute(self):
        invoice = self.invoice(300.0)
        with self.assertRaises(AccessError):
            invoice.with_user(self.salesman).action_credit_dispute("Goods damaged")
        with self.assertRaises(AccessError):
            self.wizard(invoice, user=self.salesman)
        self.assertNotDisputed(invoice)
        invoice.with_user(self.controller).action_credit_dispute("Goods damaged")
        with self.assertRaises(AccessError):
            invoice.with_user(self.salesman).action_credit_dispute_close()
        invoice.invalidate_recordset()
        self.assertTrue(invoice.credit_disputed)

    def test_reason_is_required(self):
        invoice = self.invoice(300.0).with_user(self.controller)
        for reason in (42, "  ", "", None, False):
            with self.assertRaises(UserError):
                invoice.action_credit_dispute(reason)
        wizard = self.wizard(invoice, reason="  ")
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertNotDisputed(invoice)

    def test_vendor_bill_cannot_be_disputed(self):
        bill = self.invoice(300.0, move_type="in_invoice")
        with self.assertRaises(UserError):
            bill.with_user(self.controller).action_credit_dispute("Wrong price")
        invoice = self.invoice(200.0)
        wizard = self.wizard(invoice | bill)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertNotDisputed(bill)
        self.assertNotDisputed(invoice)

    def test_credit_note_can_be_disputed(self):
        refund = self.invoice(100.0, move_type="out_refund")
        self.wizard(refund).action_confirm()
        refund.invalidate_recordset()
        self.assertTrue(refund.credit_disputed)

    def test_dispute_is_not_copied(self):
        invoice = self.invoice(300.0)
        invoice.with_user(self.controller).action_credit_dispute("Goods damaged")
        copy = invoice.copy()
        for name in DISPUTE_FIELDS:
            self.assertFalse(copy[name], name)
        self.assertTrue(invoice.credit_disputed)

    def test_action_is_bound_to_invoices_for_controllers(self):
        action = self.env.ref("credit_control.credit_dispute_action")
        self.assertEqual(action.binding_model_id.model, "account.move")
        self.assertEqual(action.target, "new")
        self.assertIn("default_move_ids", action.context)
        self.assertEqual(
            action.group_ids, self.env.ref("credit_control.group_credit_controller")
        )

    def test_screens_show_the_dispute_to_accountants(self):
        accountant = new_test_user(
            self.env,
            login="dispute_screens_accountant",
            groups="account.group_account_invoice",
            company_id=self.env.company.id,
        )
        Move = self.env["account.move"]
        for user, controller in ((accountant, False), (self.controller, True)):
            views = Move.with_user(user).get_views(
                [
                    (self.env.ref("account.view_move_form").id, "form"),
                    (self.env.ref("account.view_out_invoice_tree").id, "list"),
                    (self.env.ref("account.view_account_invoice_filter").id, "search"),
                ]
            )["views"]
            form = views["form"]["arch"]
            for name in DISPUTE_FIELDS:
                self.assertIn(f'name="{name}"', form)
            self.assertIn('title="Disputed"', form)
            self.assertIs('name="action_credit_dispute_close"' in form, controller)
            self.assertIn('name="credit_disputed"', views["list"]["arch"])
            self.assertIn('name="credit_disputed"', views["search"]["arch"])
