"""The customer link of a letter, a reminder e-mail or a proposed repayment plan
(``/ar/link/<token>``), for contacts without a portal account: what is owed, pay online, promise,
dispute, ask for an extension, accept a proposed plan.

Every route is public: the link is found (as superuser) only after its token matched, is valid
and its document belongs to its customer (``ar.customer.link._ar_find``); else 404 and nothing
changes. The invoices posted must be open invoices of the link's customer."""

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from .portal import ArCollectionsPortal


class ArCustomerLinkController(http.Controller):
    def _ar_link(self, token):
        link = request.env["ar.customer.link"]._ar_find(token)
        if not link:
            raise request.not_found()
        return link

    def _ar_render(self, link, error=None, done=None):
        invoices, due_dates = link._ar_open_invoices_due()
        pay_online = link._ar_can_pay_online()
        values = {
            "link": link,
            "partner": link.partner_id,
            "company": link.company_id,
            "invoices": invoices,
            "due_dates": due_dates,
            # in company currency: an invoice in another currency counts at its booked rate
            "total": sum(invoices.mapped("amount_residual_signed")),
            "currency": link.company_id.currency_id,
            "pay_online": pay_online,
            "pay_urls": {inv.id: link._ar_pay_url(inv) for inv in invoices} if pay_online else {},
            "plan": link._ar_plan(),
            "reasons": request.env["ar.dispute"]._fields["reason"]._description_selection(request.env),
            "ar_error": error,
            "ar_done": done,
            "token": link.sudo().token,
        }
        return request.render("ar_collections.ar_customer_link_page", values)

    # website=True: the page is rendered in portal.frontend_layout, which needs the frontend
    # environment (languages, lang) that only frontend routes prepare; else it fails with 500
    @http.route(["/ar/link/<string:token>"], type="http", auth="public", website=True)
    def ar_customer_link(self, token, done=None, **kw):
        link = self._ar_link(token)
        # what was recorded, to thank the customer for it (anything else: a plain thanks)
        return self._ar_render(link, done=done if done in self._ar_done_kinds else bool(done))

    _ar_done_kinds = ("promise", "dispute", "extension", "plan")

    def _ar_submit(self, token, submit, kind):
        link = self._ar_link(token)
        try:
            # a refused submission leaves nothing behind
            with request.env.cr.savepoint():
                submit(link)
        except (UserError, ValidationError, AccessError) as error:
            return self._ar_render(link, error=request.env._("Not recorded: %s", error.args[0]))
        return request.redirect(f"/ar/link/{token}?done={kind}")

    @staticmethod
    def _ar_invoice_ids(kw):
        ids = request.httprequest.form.getlist("invoice_ids")
        try:
            return [int(i) for i in ids]
        except ValueError as error:
            raise ValidationError(request.env._("Choose one or more of your open invoices.")) from error

    @staticmethod
    def _ar_date(value):
        try:
            return fields.Date.to_date(value or None)
        except ValueError as error:
            raise ValidationError(request.env._("Choose a date from today on.")) from error

    @http.route(["/ar/link/<string:token>/promise"], type="http", auth="public", methods=["POST"], website=True)
    def ar_customer_link_promise(self, token, date=None, amount=None, note=None, **kw):
        return self._ar_submit(
            token,
            lambda link: link._ar_submit_promise(
                self._ar_invoice_ids(kw), self._ar_date(date), ArCollectionsPortal._ar_parse_amount(amount), note
            ),
            "promise",
        )

    @http.route(["/ar/link/<string:token>/dispute"], type="http", auth="public", methods=["POST"], website=True)
    def ar_customer_link_dispute(self, token, reason=None, note=None, attachment=None, **kw):
        return self._ar_submit(
            token,
            lambda link: link._ar_submit_dispute(
                self._ar_invoice_ids(kw), reason, note, ArCollectionsPortal._ar_read_attachment(attachment)
            ),
            "dispute",
        )

    @http.route(["/ar/link/<string:token>/extension"], type="http", auth="public", methods=["POST"], website=True)
    def ar_customer_link_extension(self, token, date=None, reason=None, **kw):
        return self._ar_submit(
            token,
            lambda link: link._ar_submit_extension(self._ar_invoice_ids(kw), self._ar_date(date), reason),
            "extension",
        )

    @http.route(["/ar/link/<string:token>/plan"], type="http", auth="public", methods=["POST"], website=True)
    def ar_customer_link_plan(self, token, **kw):
        return self._ar_submit(token, lambda link: link._ar_submit_plan_acceptance(), "plan")
