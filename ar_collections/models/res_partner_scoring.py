from odoo import api, fields, models

SCORE_READERS = (
    "ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor,"
    "sales_team.group_sale_salesman"
)


# a side file of this feature (the integrator folds it into the main class)
class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    ar_score = fields.Integer(string="Credit Score", compute="_compute_ar_score", groups=SCORE_READERS)
    ar_score_date = fields.Date(string="Score Computed On", compute="_compute_ar_score", groups=SCORE_READERS)
    ar_score_grade_id = fields.Many2one(
        "ar.credit.grade", string="Proposed Grade", compute="_compute_ar_score", groups=SCORE_READERS
    )
    ar_score_limit = fields.Monetary(
        string="Proposed Limit", currency_field="ar_currency_id", compute="_compute_ar_score", groups=SCORE_READERS
    )
    ar_score_explanation = fields.Html(
        string="Score Factors", compute="_compute_ar_score", sanitize=False, groups=SCORE_READERS
    )
    ar_credit_warning_count = fields.Integer(
        string="Credit Warnings",
        compute="_compute_ar_credit_warning_count",
        groups="ar_collections.group_ar_collections_user,ar_collections.group_ar_collections_auditor",
    )

    @api.depends_context("company")
    def _compute_ar_score(self):
        # sudo: the score is read with the customer by everyone allowed to see the customer's score
        # (the fields' groups); one search for all the partners of ``self``
        commercial = self.commercial_partner_id
        scores = (
            self.env["ar.credit.score"]
            .sudo()
            .search([("company_id", "=", self.env.company.id), ("partner_id", "in", commercial.ids)])
            .grouped("partner_id")
        )
        for partner in self:
            score = scores.get(partner.commercial_partner_id, self.env["ar.credit.score"])
            partner.ar_score = score.score
            partner.ar_score_date = score.date
            partner.ar_score_grade_id = score.proposed_grade_id
            partner.ar_score_limit = score.proposed_limit
            partner.ar_score_explanation = score.explanation if score else False

    @api.depends_context("company")
    def _compute_ar_credit_warning_count(self):
        counts = dict(
            self.env["ar.credit.warning"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "new")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.ar_credit_warning_count = counts.get(partner.commercial_partner_id, 0)

    def _ar_record_profile_history(self, before, fnames, note=False, kind="change"):
        # the reason of a decision applied through ``_ar_apply_credit_decision`` (a text, no right)
        return super()._ar_record_profile_history(
            before, fnames, note=note or self.env.context.get("ar_profile_note"), kind=kind
        )

    def _ar_apply_credit_decision(self, grade, limit, reason):
        """Apply a credit decision (a review's or a 5C evaluation's) to the customer ``self``
        in the current company through the guarded profile path: the partner's ``write``,
        as the deciding user (only a Credit Manager may change a grade or a limit, and
        whatever guard ``write`` has, e.g. approval tiers, applies), with ``reason`` in the
        credit profile history."""
        self.ensure_one()
        vals = {"credit_grade_id": grade.id, "use_partner_credit_limit": True, "credit_limit": limit}
        # sudo: read the current credit period, to fit it into the new grade's maximum
        days = self.sudo().ar_credit_days
        if grade.max_credit_days and days > grade.max_credit_days:
            vals["ar_credit_days"] = grade.max_credit_days
        return self.with_context(ar_profile_note=reason).write(vals)

    def action_ar_view_credit_warnings(self):
        return self._ar_open_related("ar.credit.warning", self.env._("Credit Warnings"))
