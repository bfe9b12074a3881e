from odoo import api, fields, models


class ArWriteOffApproval(models.Model):
    """One step of a write-off request's approval chain: who had to approve, who did, when."""

    _name = "ar.write.off.approval"
    _description = "Write-Off Approval Step"
    _order = "request_id, sequence, id"

    request_id = fields.Many2one("ar.write.off.request", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer()
    group_id = fields.Many2one("res.groups", string="Approver Group", readonly=True)
    user_id = fields.Many2one("res.users", string="Approver Required", readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("approved", "Approved"), ("refused", "Refused")],
        default="pending",
        required=True,
        readonly=True,
    )
    approver_id = fields.Many2one("res.users", string="Decided By", readonly=True)
    decision_date = fields.Datetime(readonly=True)

    @api.depends("group_id", "user_id")
    def _compute_display_name(self):
        for step in self:
            step.display_name = (step.user_id or step.group_id).display_name or ""

    def _ar_can_decide(self, user):
        """May ``user`` decide this step?"""
        self.ensure_one()
        if self.user_id:
            return self.user_id == user
        # implied groups are part of groups_id
        return self.group_id in user.sudo().groups_id
