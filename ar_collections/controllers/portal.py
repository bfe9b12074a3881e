"""Customer portal: the statements and balance confirmations of the logged-in portal user's
commercial partner (``/my/statements``), with the reply to a balance confirmation.

Portal users have no access right on ``ar.statement``: every route finds the statement as
superuser only after checking that it belongs to the user's commercial partner and was sent
(``_ar_portal_statement``); any other statement, or a visitor without a session, gets a 404 or
the login page. Nothing but the reply is taken from the request."""

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

# one attachment of at most 10 MB with the reply
AR_PORTAL_MAX_ATTACHMENT = 10 * 1024 * 1024


class ArCollectionsPortal(CustomerPortal):
    def _ar_portal_partner(self):
        return request.env.user.partner_id.commercial_partner_id

    def _ar_portal_statements(self):
        partner = self._ar_portal_partner()
        # sudo: portal users have no access right on statements; the domain keeps those of
        # the user's own commercial partner that were sent
        return (
            request.env["ar.statement"]
            .sudo()
            .search(request.env["ar.statement"]._ar_portal_domain(partner), order="date desc, id desc")
        )

    def _ar_portal_statement(self, statement_id):
        """The statement ``statement_id`` if it is one of the user's (as superuser), else 404."""
        if request.env.user._is_public():
            raise request.not_found()
        statement = self._ar_portal_statements().filtered(lambda st: st.id == statement_id)
        if not statement:
            raise request.not_found()
        return statement

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "ar_statement_count" in counters:
            values["ar_statement_count"] = len(self._ar_portal_statements()) if not request.env.user._is_public() else 0
        return values

    @http.route(["/my/statements"], type="http", auth="user", website=True)
    def portal_my_ar_statements(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update({"statements": self._ar_portal_statements(), "page_name": "ar_statement"})
        return request.render("ar_collections.portal_my_ar_statements", values)

    @http.route(["/my/statements/<int:statement_id>"], type="http", auth="user", website=True)
    def portal_my_ar_statement(self, statement_id, error=None, **kw):
        statement = self._ar_portal_statement(statement_id)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "statement": statement,
                "lines": statement._ar_get_statement_lines()[statement.id],
                "page_name": "ar_statement",
                "ar_error": error,
            }
        )
        return request.render("ar_collections.portal_my_ar_statement", values)

    @http.route(["/my/statements/<int:statement_id>/pdf"], type="http", auth="user", website=True)
    def portal_my_ar_statement_pdf(self, statement_id, **kw):
        statement = self._ar_portal_statement(statement_id)
        return self._show_report(statement, "pdf", "ar_collections.ar_statement_report_action")

    @http.route(["/my/statements/<int:statement_id>/reply"], type="http", auth="user", methods=["POST"], website=True)
    def portal_my_ar_statement_reply(self, statement_id, answer=None, amount=None, reason=None, attachment=None, **kw):
        statement = self._ar_portal_statement(statement_id)
        url = f"/my/statements/{statement.id}"
        try:
            if answer == "confirm":
                statement._ar_portal_reply(request.env.user.partner_id, True)
            elif answer == "disagree":
                statement._ar_portal_reply(
                    request.env.user.partner_id,
                    False,
                    amount=self._ar_parse_amount(amount),
                    reason=reason,
                    attachment=self._ar_read_attachment(attachment),
                )
            else:
                raise ValidationError(request.env._("Confirm the balance or disagree with it."))
        except (UserError, ValidationError, AccessError) as error:
            return request.redirect(f"{url}?error={request.env._('Not recorded: %s', error.args[0])}")
        return request.redirect(url)

    @staticmethod
    def _ar_parse_amount(amount):
        try:
            return float((amount or "").replace(",", ""))
        except ValueError as error:
            raise ValidationError(request.env._("Enter the balance as a number.")) from error

    @staticmethod
    def _ar_read_attachment(attachment):
        if not attachment or not getattr(attachment, "filename", None):
            return None
        content = attachment.read(AR_PORTAL_MAX_ATTACHMENT + 1)
        if len(content) > AR_PORTAL_MAX_ATTACHMENT:
            raise ValidationError(request.env._("The attachment is too large (10 MB at most)."))
        return (attachment.filename, content)
