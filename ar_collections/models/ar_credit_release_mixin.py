from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from ..const import PROMISE_RUNNING_STATE

MAX_LISTED_INVOICES = 5
HOLD_FLAGS = ("hold_sales", "lock_deliveries")


class ArCreditReleaseMixin(models.AbstractModel):
    """What a document that can be held for credit reasons (a sale order, a delivery)
    offers to the release workflow: whether it can be released, why it is held, and the
    request/approve buttons.

    ``ar.credit.release`` asks the document through these hooks and never tests which
    model it is: a new kind of held document inherits this mixin, adds its Many2one on
    ``ar.credit.release`` (and on ``ar.credit.release.wizard``) and answers the hooks."""

    ar_hold_lifted_date = fields.Datetime(
        string="Credit Hold Lifted On",
        readonly=True,
        copy=False,
        help="When a payment removed the reason of the document's credit hold and its hold to-dos were closed; "
        "cleared when a broken promise (or an unreconciled payment) holds it again.",
    )

    _name = "ar.credit.release.mixin"
    _description = "Document Held for Credit Reasons"

    def _ar_release_field(self):
        """Name of the Many2one of ``ar.credit.release`` (and of ``ar.credit.release.wizard``)
        to this kind of document: stated here, once per document model."""
        raise NotImplementedError

    def _ar_credit_releasable(self):
        """Whether the document waits for the step a release lets through (confirmation,
        validation)."""
        raise NotImplementedError

    def _ar_hold_reasons(self):
        """Why the document is held now: list of dicts with ``code`` and ``message``
        (translated, with figures); empty when it is not held."""
        raise NotImplementedError

    def _ar_release_scope(self):
        """What a release of the document is for (dict of ``ar.credit.release`` values:
        ``partner_id`` and, for orders, ``invoice_partner_id``, ``currency_id``, ``amount``);
        the release covers the document only while they are unchanged (amount: not more)."""
        raise NotImplementedError

    def _ar_credit_sellers(self):
        """Users who sell or sold the document: they may not release its hold."""
        return self._ar_credit_salesperson()

    def _ar_blacklist_reasons(self, partner):
        """The blacklist as a hold reason, if ``partner`` is blacklisted; an open collection
        case holds the customer the same way."""
        reasons = self._ar_collection_case_reasons(partner)
        if not partner.credit_blacklisted:
            return reasons
        return [
            {
                "code": "blacklist",
                "message": self.env._(
                    "The customer %(partner)s is blacklisted: %(reason)s",
                    partner=partner.display_name,
                    reason=partner.credit_blacklist_reason or "",
                ),
            }
        ] + reasons

    def _ar_collection_case_reasons(self, partner):
        """A customer with an open collection case is held like a blacklisted one."""
        reasons = []
        # sudo: the hold is checked for whoever confirms or delivers (company filtered)
        cases = (
            self.env["ar.collection.case"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.env.company.id),
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("state", "in", ("preparing", "lawyer_letter", "litigation", "judgment", "enforcement")),
                ]
            )
        )
        if cases:
            reasons.append(
                {
                    "code": "collection_case",
                    "message": self.env._(
                        "The customer %(partner)s is in a collection case (%(cases)s).",
                        partner=partner.display_name,
                        cases=", ".join(cases.mapped("name")),
                    ),
                }
            )
        return reasons

    def _ar_get_hold_invoices(self, partners, flag):
        """Open invoices of the commercial partners ``partners`` (current company) that hold
        sales or lock deliveries (``flag``): one query, whatever the number of invoices.

        An invoice holds when its collection stage has ``flag``, and also when the nightly
        run left it without a stage because its dunning is paused by an open dispute or an
        open promise to pay: such a pause is recorded by a collector or a salesperson alone,
        so it does not lift the hold; the invoice then holds by the stage its days overdue
        fall in. Only the promise of an extension request approved by a Credit Manager (see
        ``_ar_hold_accepted_sql``) lifts the hold of its invoices while it runs.

        :returns: dict commercial partner id -> list of (stage, [invoice names])
        """
        assert flag in HOLD_FLAGS
        partner_ids = partners.commercial_partner_id._origin.ids
        if not partner_ids:
            return {}
        company = self.env.company
        today = fields.Date.context_today(self)
        for model, fnames in (
            (
                "account.move",
                [
                    "commercial_partner_id",
                    "company_id",
                    "state",
                    "move_type",
                    "payment_state",
                    "collection_stage_id",
                    "name",
                ],
            ),
            ("account.move.line", ["move_id", "account_id", "amount_residual", "reconciled", "date_maturity"]),
            ("ar.collection.stage", [flag]),
            ("ar.dispute", ["state", "invoice_ids"]),
            ("ar.payment.promise", ["state", "date", "date_deadline", "invoice_ids", "extension_id"]),
            ("ar.extension.request", ["state", "promise_id", "requested_date", "invoice_ids"]),
        ):
            self.env[model].flush_model(fnames)
        self.env.cr.execute(
            SQL(
                """
            SELECT m.id, m.name, m.commercial_partner_id, m.collection_stage_id,
                   COALESCE(s.%(flag)s, FALSE) AS staged,
                   %(today)s - MIN(l.date_maturity) AS days,
                   %(accepted)s AS accepted
              FROM account_move m
              JOIN account_move_line l ON l.move_id = m.id
                                      AND NOT COALESCE(l.reconciled, FALSE) AND l.amount_residual != 0
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              LEFT JOIN ar_collection_stage s ON s.id = m.collection_stage_id
             WHERE m.commercial_partner_id = ANY(%(partners)s) AND m.company_id = %(company)s
               AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_receipt')
               AND m.payment_state IN ('not_paid', 'partial')
               AND (COALESCE(s.%(flag)s, FALSE) OR %(paused)s)
             GROUP BY m.id, s.id
             ORDER BY m.name
            """,
                flag=SQL.identifier(flag),
                today=today,
                partners=partner_ids,
                company=company.id,
                accepted=self._ar_hold_accepted_sql(today),
                paused=self._ar_hold_paused_sql(),
            )
        )
        rows = self.env.cr.dictfetchall()
        ladder = None
        # sudo: the stages are named in the hold message whoever confirms or validates
        Stage = self.env["ar.collection.stage"].sudo()
        held = defaultdict(lambda: defaultdict(list))
        for row in rows:
            if row["accepted"]:
                continue
            if row["staged"]:
                stage = Stage.browse(row["collection_stage_id"])
            else:
                if ladder is None:
                    ladder = Stage._ar_get_ladder(company)
                stage = Stage._ar_stage_for_days(ladder, row["days"] or 0)
                if not stage or not stage[flag]:
                    continue
            held[row["commercial_partner_id"]][stage].append(row["name"])
        return {pid: list(stages.items()) for pid, stages in held.items()}

    def _ar_hold_paused_sql(self):
        """SQL condition on invoice ``m``: its dunning is paused by a record of the collectors'
        workspace (open dispute, open promise to pay: a promise to accept pauses nothing, the
        run stages its invoices). Overridable."""
        return SQL(
            """(EXISTS(SELECT 1 FROM ar_dispute_invoice_rel dr JOIN ar_dispute d ON d.id = dr.dispute_id
                        WHERE dr.move_id = m.id AND d.state = 'open')
                OR EXISTS(SELECT 1 FROM ar_payment_promise_invoice_rel pr
                            JOIN ar_payment_promise p ON p.id = pr.promise_id
                           WHERE pr.move_id = m.id AND p.state = %s))""",
            PROMISE_RUNNING_STATE,
        )

    def _ar_hold_accepted_sql(self, today):
        """SQL condition on invoice ``m``: a Credit Manager accepted that it be paid later, so it
        no longer holds: it is an invoice of an extension request approved by a Credit Manager
        (the request's promise, set by the approval only, points back to the promise), and that
        promise is open, not past its deadline and not moved beyond the approved date.
        Overridable."""
        return SQL(
            """EXISTS(SELECT 1 FROM ar_extension_request e
                        JOIN ar_extension_request_invoice_rel er ON er.request_id = e.id
                        JOIN ar_payment_promise p ON p.id = e.promise_id AND p.extension_id = e.id
                       WHERE er.move_id = m.id AND e.state = 'approved' AND p.state = %s
                         AND p.date_deadline >= %s AND p.date <= e.requested_date)""",
            PROMISE_RUNNING_STATE,
            today,
        )

    def _ar_held_stage_reasons(self, held_invoices, flag):
        """Hold reasons for invoices in stages that hold sales or lock deliveries.

        :param held_invoices: list of (stage, [invoice names]) (see ``_ar_get_hold_invoices``)
        :param flag: ``"hold_sales"`` or ``"lock_deliveries"``
        """
        reasons = []
        for stage, names in held_invoices:
            listed = ", ".join(names[:MAX_LISTED_INVOICES])
            if len(names) > MAX_LISTED_INVOICES:
                listed = self.env._(
                    "%(invoices)s and %(count)s more", invoices=listed, count=len(names) - MAX_LISTED_INVOICES
                )
            if flag == "hold_sales":
                message = self.env._(
                    "Invoices in collection stage %(stage)s, which holds new sales: %(invoices)s.",
                    stage=stage.display_name,
                    invoices=listed,
                )
            else:
                message = self.env._(
                    "Invoices in collection stage %(stage)s, which locks deliveries: %(invoices)s.",
                    stage=stage.display_name,
                    invoices=listed,
                )
            reasons.append({"code": "stage", "message": message})
        return reasons

    def _ar_credit_open_release_wizard(self, mode):
        self.ensure_one()
        if mode == "approve":
            self.env["ar.credit.release"]._check_can_approve(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Credit Release") if mode == "approve" else self.env._("Request Credit Release"),
            "res_model": "ar.credit.release.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{self._ar_release_field()}": self.id, "default_mode": mode},
        }

    def action_ar_request_release(self):
        return self._ar_credit_open_release_wizard("request")

    def action_ar_approve_release(self):
        return self._ar_credit_open_release_wizard("approve")
