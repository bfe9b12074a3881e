from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import Form, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class ArCollectionsCommon(AccountTestInvoicingCommon):
    """Customers, users of each role and quick builders of invoices and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.currency = cls.company.currency_id
        cls.grade_a = cls.env.ref("ar_collections.ar_credit_grade_a")
        cls.grade_d = cls.env.ref("ar_collections.ar_credit_grade_d")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Huadong Machinery", "is_company": True, "customer_rank": 1}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Mr. Wang", "parent_id": cls.customer.id, "type": "invoice"}
        )
        company_ids = [Command.set(cls.company.ids)]
        cls.collector = new_test_user(
            cls.env,
            "ar_collector",
            groups="base.group_user,ar_collections.group_ar_collections_user",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Collector Li",
        )
        cls.credit_manager = new_test_user(
            cls.env,
            "ar_credit_manager",
            groups="base.group_user,ar_collections.group_ar_credit_manager",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Credit Manager Zhao",
        )
        cls.auditor = new_test_user(
            cls.env,
            "ar_auditor",
            groups="base.group_user,ar_collections.group_ar_collections_auditor",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Auditor Chen",
        )
        cls.salesman = new_test_user(
            cls.env,
            "ar_salesman",
            groups="base.group_user,base.group_partner_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=company_ids,
            name="Salesman Zhang",
        )

    @classmethod
    def ar_invoice(
        cls,
        partner,
        amount,
        invoice_date,
        due_date=None,
        currency=None,
        company=None,
        move_type="out_invoice",
        post=True,
    ):
        """A customer invoice (or credit note) of ``amount`` without taxes, due on ``due_date``."""
        company = company or cls.env.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": due_date or invoice_date,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Goods",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def ar_instalment_invoice(cls, partner, amount, invoice_date, days=(30, 60)):
        """A posted customer invoice of ``amount`` without taxes, payable in two halves ``days``
        days after ``invoice_date`` (its ``invoice_date_due`` is the last half's)."""
        first, second = days
        term = cls.env["account.payment.term"].create(
            {
                "name": f"50% at {first} days, 50% at {second} days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": first}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": second}),
                ],
            }
        )
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": invoice_date,
                "date": invoice_date,
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]})
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def ar_pay(cls, invoices, amount, date, currency=None):
        """Register a payment of ``amount`` on ``invoices`` on ``date`` (reconciled)."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    **({"currency_id": currency.id} if currency else {}),
                }
            )
        )
        return wizard._create_payments()

    @classmethod
    def ar_unreconciled_payment(cls, partner, amount, date):
        """A customer payment posted but matched to no invoice."""
        payment = cls.env["account.payment"].create(
            {
                "amount": amount,
                "date": date,
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": partner.id,
            }
        )
        payment.action_post()
        return payment

    @classmethod
    def ar_blacklist(cls, partners, reason, user=None, release=False):
        """Blacklist ``partners`` (or release them from the blacklist) as ``user`` (default: the
        credit manager) does it: the customer's button opens the wizard, the reason is typed in
        and the wizard confirmed."""
        partners = partners.with_user(user or cls.credit_manager)
        action = partners.action_ar_release_blacklist() if release else partners.action_ar_blacklist()
        wizard = Form(partners.env[action["res_model"]].with_context(**action["context"]))
        wizard.reason = reason
        return wizard.save().action_confirm()

    @contextmanager
    def assertExactQueryCount(self, expected, flush=True):
        """Exactly ``expected`` queries in the block (Odoo's ``assertQueryCount`` is an upper
        bound: it passes below the count). For counts that do not depend on caches or warm-up:
        a regression of one query fails, and so does a saving (then lower the budget)."""
        with patch("random.random", lambda: 1):  # no random bus garbage collection, as Odoo's
            if flush:
                self.env.flush_all()
                self.env.cr.flush()
            count0 = self.env.cr.sql_log_count
            yield
            if flush:
                self.env.flush_all()
                self.env.cr.flush()
            count = self.env.cr.sql_log_count - count0
        self.assertEqual(count, expected, f"{count} queries instead of exactly {expected}")

    @staticmethod
    def d(value):
        return fields.Date.to_date(value)
