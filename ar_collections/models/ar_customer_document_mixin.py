from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.amount_to_chinese import amount_to_chinese
from ..tools.mail_composer import composer_action


class ArCustomerDocumentMixin(models.AbstractModel):
    """What the documents sent to a customer (dunning letters, statements) share: a number
    of the company's gapless sequence given when the document is sent or printed, a content
    frozen from then on, a state moved by the document's buttons only, and the helpers their
    Chinese print needs.

    Inheriting models define ``name``, ``company_id``, ``partner_id``, ``date`` and ``state``
    (``draft`` first, ``cancel`` last), set the class attributes below and
    ``_ar_locked_message``. They put this mixin before ``mail.thread`` in ``_inherit``, so that
    its ``write`` checks run first and its ``message_post`` sees the emails they send.

    The rules hold on every ``create``/``write`` (RPC endpoints, whatever the context): the
    number, the state and the dates of sending and reply (``_ar_guarded_fields``) are written
    only by the documents' checked methods, in superuser mode; the content
    (``_ar_locked_fields``) changes only while the document is a draft."""

    _name = "ar.customer.document.mixin"
    _description = "Document Sent to a Customer"

    _ar_sequence_code = None  # ir.sequence code numbering the documents
    _ar_sequence_template = None  # xmlid of the sequence whose prefix and padding each company's copies
    _ar_guarded_fields = ("name", "state", "sent_date", "ar_email_user_id")  # set by the buttons only
    _ar_locked_fields = ()  # fields that cannot change once the document left draft
    _ar_cancel_states = ()  # states from which the document can be cancelled
    _ar_amount_field = None  # the amount printed in Chinese capital numerals
    _ar_report_action = None  # xmlid of the report printing the document

    sent_date = fields.Date(string="Sent On", readonly=True, copy=False)
    ar_email_user_id = fields.Many2one(
        "res.users",
        string="Email Prepared By",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="User who opened the email composer of the document from its Send by Email button: the "
        "email he sends from it marks the document sent.",
    )

    def _ar_locked_message(self):
        raise NotImplementedError

    @api.depends("name", "partner_id")
    def _compute_display_name(self):
        for document in self:
            number = document.name or self.env._("Draft")
            document.display_name = f"{number} {document.partner_id.name or ''}".strip()

    # ------------------------------------------------------------------
    # Numbering: one gapless sequence per company, a number when sent or printed
    # ------------------------------------------------------------------
    @api.model
    def _ar_get_sequence(self, company):
        """The sequence numbering the documents of ``company``, created from the template the
        first time (for companies created after the install)."""
        Sequence = self.env["ir.sequence"].sudo()
        domain = [("code", "=", self._ar_sequence_code), ("company_id", "=", company.id)]
        sequence = Sequence.search(domain, limit=1)
        if sequence:
            return sequence
        # two users numbering the first document of a new company at once must not create two
        # sequences: the second one waits here, then finds the sequence of the first
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(hashtext(%s), %s)", self._ar_sequence_code, company.id))
        return Sequence.search(domain, limit=1) or Sequence.create(self._ar_sequence_values(company))

    @api.model
    def _ar_sequence_values(self, company):
        template = self.env.ref(self._ar_sequence_template, raise_if_not_found=False)
        template = template.sudo() if template else None
        return {
            "name": f"{template.name if template else self._description} ({company.name})",
            "code": self._ar_sequence_code,
            "company_id": company.id,
            "implementation": "no_gap",
            "prefix": template.prefix if template else False,
            "padding": template.padding if template else 4,
            # numbers the shared sequence of earlier versions gave stay taken
            "number_next": template.number_next_actual if template else 1,
        }

    @api.model
    def _ar_setup_sequences(self):
        """Install and update: every company gets its gapless sequence; the shared sequence of
        earlier versions is only the template of the companies' own."""
        for company in self.env["res.company"].sudo().search([]):
            self._ar_get_sequence(company)
        template = self.env.ref(self._ar_sequence_template, raise_if_not_found=False)
        if template and template.active:
            template.sudo().active = False

    def _ar_assign_number(self):
        """Give the documents of ``self`` without a number the next number of their company.
        Only reached from the checked send and print methods."""
        for document in self.filtered(lambda doc: not doc.name).sorted("id"):
            sequence = self._ar_get_sequence(document.company_id)
            number = sequence.with_context(ir_sequence_date=document.date).next_by_id()
            # sudo: the number is the company's, never written by a user (see write)
            document.sudo().write({"name": number})

    # ------------------------------------------------------------------
    # CRUD: the guarded and locked fields
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                self._ar_check_create_values(vals)
            if vals.get("name") == "/":  # "no number yet", as in earlier versions
                vals.pop("name")
        return super().create(vals_list)

    @api.model
    def _ar_check_create_values(self, vals):
        """A document is created as a draft without a number, whatever the caller sends."""
        defaults = {"name": (False, "/"), "state": (False, "draft")}
        for field_name in self._ar_guarded_fields:
            if field_name in vals and vals[field_name] not in defaults.get(field_name, (False,)):
                raise UserError(
                    self.env._(
                        "%(field)s is set by the document's buttons, not typed in: it cannot be given when "
                        "the document is created.",
                        field=self._fields[field_name]._description_string(self.env),
                    )
                )

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # who may not write at all is told so first
            self._ar_check_write_values(vals)
        return super().write(vals)

    def _ar_check_write_values(self, vals):
        """Refuse what a user may not write: the guarded fields always, the locked fields once
        the document left draft. Overridable to allow more (e.g. a statement's reply)."""
        guarded = [name for name in self._ar_guarded_fields if name in vals]
        if guarded:
            raise UserError(
                self.env._(
                    "%(fields)s of %(documents)s are set by the document's buttons (send, print, cancel, the "
                    "customer's reply), not written directly.",
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in guarded),
                    documents=", ".join(self.mapped("display_name")) or self._description,
                )
            )
        if set(vals) & set(self._ar_locked_fields) and any(document.state != "draft" for document in self):
            raise UserError(self._ar_locked_message())

    @api.ondelete(at_uninstall=False)
    def _unlink_except_numbered(self):
        """A document that was sent, printed or numbered stays on record (the series has no gap):
        it can be cancelled."""
        if any(document.state != "draft" or document.name for document in self):
            raise UserError(
                self.env._(
                    "A document that was sent, printed or numbered cannot be deleted: cancel it instead, it "
                    "stays on record."
                )
            )

    # ------------------------------------------------------------------
    # State changes: checked here, written as superuser
    # ------------------------------------------------------------------
    def _ar_check_caller(self):
        """The caller may send, print, cancel and record replies: write access to the documents
        (collectors and credit managers of their companies; auditors only read)."""
        self.check_access("write")

    def _ar_write_guarded(self, vals):
        """Write guarded fields. Private: reached only from the methods that checked the caller
        (``_ar_check_caller``) and the state of the documents."""
        # sudo: the guarded fields are refused to every user in write; the caller was checked
        return self.sudo().write(vals)

    def _ar_sent_state(self, channel):
        """State of a draft once sent by ``channel`` (``email`` or ``letter``)."""
        return "sent"

    def _ar_mark_sent(self, channel):
        """Number the drafts of ``self``, mark them sent (or printed) today and log them.
        Private (not callable over RPC): the send and print buttons call it after their checks,
        and the demo loader."""
        drafts = self.filtered(lambda doc: doc.state == "draft")
        drafts._ar_assign_number()
        if drafts:
            drafts._ar_write_guarded(
                {
                    "state": drafts._ar_sent_state(channel),
                    "sent_date": fields.Date.context_today(self),
                }
            )
        drafts._ar_log_sent(channel)
        return drafts

    def _ar_log_sent(self, channel):
        """Log the documents just sent on their customer (overridden by each document)."""

    def _ar_sent_how(self, channel):
        """How a document went, as its customer's log says it."""
        return self.env._("sent by email") if channel == "email" else self.env._("printed for posting")

    def action_print(self):
        """Print the documents to send them by post: numbers the drafts, marks them sent (or
        printed) and logs them. Printing from the Print menu (e.g. by an auditor) renders them
        without changing anything."""
        self._ar_check_caller()
        self._ar_check_sendable()
        drafts = self._ar_mark_sent("letter")
        self._ar_after_print(drafts)
        return self.env.ref(self._ar_report_action).report_action(self)

    def _ar_after_print(self, drafts):
        """Called on the documents just printed; ``drafts`` are those printed for the first time
        (overridable hook)."""

    def action_send_email(self):
        """Open the email composer on the document, numbered first (the email and its PDF carry
        the number). The email sent from it marks the document sent: the composer is recorded as
        opened by this user, who was checked here."""
        self.ensure_one()
        self._ar_check_caller()
        self._ar_check_sendable()
        self._ar_assign_number()
        self._ar_write_guarded({"ar_email_user_id": self.env.user.id})
        template = self._ar_get_mail_template()
        return composer_action(self, template)

    def _ar_get_mail_template(self):
        """Mail template of the document (overridable)."""
        return self.env["mail.template"]

    def _ar_check_sendable(self):
        """Refuse to send or print what cannot be (overridden by each document)."""
        for document in self:
            if document.state == "cancel":
                raise UserError(
                    self.env._(
                        "%(document)s was cancelled: it cannot be sent or printed again.",
                        document=document.display_name,
                    )
                )

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        self._ar_after_email(message)
        return message

    def _ar_after_email(self, message):
        """The email prepared from the Send by Email button marks the document sent: only when
        this user opened that composer (``action_send_email`` checked him) and the message is an
        email to the customer, never a note and never because of the context."""
        if len(self) != 1 or not message:
            return
        document = self.sudo()
        if document.ar_email_user_id != self.env.user:
            return
        message_su = message.sudo()
        if (
            message_su.message_type != "comment"
            or not message_su.partner_ids
            or not message_su.subtype_id
            or message_su.subtype_id.internal
        ):
            return
        self._ar_write_guarded({"ar_email_user_id": False})
        self._ar_email_sent()

    def _ar_email_sent(self):
        """The document's email left: a draft is numbered, sent and logged (overridable)."""
        return self._ar_mark_sent("email")

    def action_cancel(self):
        """Cancel the documents: they stay on record with their number; nothing on them changes."""
        self._ar_check_caller()
        for document in self:
            if document.state not in self._ar_cancel_states:
                raise UserError(
                    self.env._("%(document)s cannot be cancelled in its present state.", document=document.display_name)
                )
        self._ar_write_guarded({"state": "cancel", "ar_email_user_id": False})
        for document in self:
            document.message_post(body=self.env._("Cancelled; kept on record."), subtype_xmlid="mail.mt_note")
        return True

    # ------------------------------------------------------------------
    # Printing helpers
    # ------------------------------------------------------------------
    def _ar_amount_in_chinese(self):
        """The document's amount in Chinese capital numerals (大写)."""
        self.ensure_one()
        return amount_to_chinese(self[self._ar_amount_field])

    def _ar_is_chinese(self):
        self.ensure_one()
        return (self.partner_id.lang or "").startswith("zh")
