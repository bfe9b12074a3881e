from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import LETTER_LEVELS

OWNER_ROLES = [
    ("collector", "Collector"),
    ("salesperson", "Salesperson"),
    ("sales_manager", "Sales Manager"),
    ("credit_manager", "Credit Manager"),
    ("legal", "Legal"),
]
# Escalation order of the owner roles (used when a key customer's follow-up is raised
# to the credit manager).
OWNER_ROLE_RANK = {role: rank for rank, (role, _label) in enumerate(OWNER_ROLES)}


class ArCollectionStage(models.Model):
    """A rung of the collection ladder: which invoices (by days relative to their due
    date) it holds, who follows them up, how, and whether it holds sales or locks
    deliveries."""

    _name = "ar.collection.stage"
    _description = "Collection Stage"
    _order = "company_id, days_from, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    days_from = fields.Integer(
        string="From (days)",
        required=True,
        help="First day of the stage, in days after the due date (negative: before the due date).",
    )
    days_to = fields.Integer(
        string="To (days)",
        help="Last day of the stage (included), in days after the due date. Ignored when the stage has no end.",
    )
    no_end = fields.Boolean(help="The last stage of the ladder: it holds every invoice from its first day on.")
    owner_role = fields.Selection(
        OWNER_ROLES,
        string="Owner",
        required=True,
        default="collector",
        help="Who is assigned the customer's follow-up while its worst invoice is in this stage.",
    )
    channel_ids = fields.Many2many(
        "ar.collection.channel", string="Channels", help="How the customer is contacted in this stage."
    )
    cadence_days = fields.Integer(
        string="Cadence (days)",
        default=7,
        help="Repeat the follow-up every N days while the customer stays in this stage.",
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref("ar_collections.mail_activity_type_collection", raise_if_not_found=False),
        help="Type of the follow-up activity scheduled for the customer.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain="[('model', 'in', ('res.partner', 'account.move', 'ar.dunning.message'))]",
        help="Email sent to the customer in this stage. The collections run uses it when it is a template of "
        "dunning messages, else the default reminder.",
    )
    letter_level = fields.Selection(LETTER_LEVELS, string="Letter", help="Dunning letter printed in this stage.")
    auto_email = fields.Boolean(
        string="E-mail the Customer",
        help="The collections run e-mails the customer one message listing its dunnable invoices when it enters "
        "this stage (at most once per cadence), unless its reminders are manual.",
    )
    auto_letter = fields.Boolean(
        string="Prepare the Letter",
        help="The collections run prepares a draft dunning letter of the stage's level for the customer.",
    )
    auto_activity = fields.Boolean(
        string="Schedule the Activity",
        default=True,
        help="The collections run schedules the follow-up activity of the customer in this stage.",
    )
    hold_sales = fields.Boolean(help="New sale orders of a customer with an invoice in this stage are held.")
    lock_deliveries = fields.Boolean(help="Deliveries to a customer with an invoice in this stage are locked.")
    note = fields.Text(string="Tone / Note", translate=True, help="Guidance for the collector in this stage.")

    auto_attach_invoices = fields.Boolean(
        string="Attach Invoices",
        help="The e-mail of the collections run carries the PDF of each invoice it lists.",
    )

    _sql_constraints = [
        ("cadence_positive", "CHECK(cadence_days >= 0)", "The cadence of a stage cannot be negative."),
    ]

    # ------------------------------------------------------------------
    # Ladder
    # ------------------------------------------------------------------
    def _ar_contains(self, days):
        self.ensure_one()
        return days >= self.days_from and (self.no_end or days <= self.days_to)

    @api.model
    def _ar_get_ladder(self, company):
        """Active stages of ``company``, in ladder order (earliest first)."""
        return self.with_context(active_test=True).search([("company_id", "=", company.id)], order="days_from, id")

    @api.model
    def _ar_stage_for_days(self, ladder, days):
        """The stage of ``ladder`` holding an invoice ``days`` after its due date (or empty)."""
        for stage in ladder:
            if stage._ar_contains(days):
                return stage
        return self.browse()

    @api.constrains("days_from", "days_to", "no_end", "active", "company_id")
    def _check_ladder(self):
        for company in self.with_context(active_test=True).company_id:
            self._ar_check_ladder(self._ar_get_ladder(company))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_hole(self):
        """Deleting a stage may not leave a hole in the ladder, as archiving it may not."""
        for company in self.company_id:
            self._ar_check_ladder(self._ar_get_ladder(company) - self)

    @api.model
    def _ar_check_ladder(self, ladder):
        """Refuse a ladder (stages in ladder order) whose ranges are inverted, overlap or leave a
        hole, or where a stage follows the one without end."""
        previous = None
        for stage in ladder:
            if not stage.no_end and stage.days_to < stage.days_from:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s ends (day %(to)s) before it starts (day %(from_day)s).",
                        stage=stage.name,
                        to=stage.days_to,
                        from_day=stage.days_from,
                    )
                )
            if previous:
                if previous.no_end:
                    raise ValidationError(
                        self.env._(
                            "Stage %(stage)s has no end, so no stage can follow it (%(next)s).",
                            stage=previous.name,
                            next=stage.name,
                        )
                    )
                if stage.days_from <= previous.days_to:
                    raise ValidationError(
                        self.env._(
                            "Stages %(first)s and %(second)s overlap: day %(day)s is in both.",
                            first=previous.name,
                            second=stage.name,
                            day=stage.days_from,
                        )
                    )
                if stage.days_from > previous.days_to + 1:
                    raise ValidationError(
                        self.env._(
                            "There is a hole between stages %(first)s (to day %(to)s) and %(second)s "
                            "(from day %(from_day)s): every day must belong to a stage.",
                            first=previous.name,
                            to=previous.days_to,
                            second=stage.name,
                            from_day=stage.days_from,
                        )
                    )
            previous = stage
