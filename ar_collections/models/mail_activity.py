from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # A customer is followed up separately in each company: the collections activity
    # remembers its company and the stage it was scheduled for (to detect escalations).
    # The record rule ``mail_activity_rule_ar_company`` shows it in that company only.
    ar_company_id = fields.Many2one("res.company", string="Collections Company", index="btree_not_null")
    ar_stage_id = fields.Many2one("ar.collection.stage", string="Collection Stage", ondelete="set null")

    def _check_access(self, operation):
        """The record rule alone does not hold for write and unlink (mail.activity allows them
        with write access to the document): a collections activity of a company is changed
        from that company only."""
        result = super()._check_access(operation)
        if not self or self.env.su:
            return result
        allowed = set(self.env.companies.ids)
        foreign = self.sudo().filtered(lambda a: a.ar_company_id and a.ar_company_id.id not in allowed)
        if result:
            foreign -= result[0].sudo()
        if foreign:
            forbidden = self.browse(foreign.ids) + (result[0] if result else self.browse())
            result = (forbidden, lambda: forbidden._make_access_error(operation))
        return result

    def _action_done(self, feedback=False, attachment_ids=None):
        """The "done" message of a collections activity belongs to its company too."""
        companies = {
            (activity.res_model, activity.res_id, activity.activity_type_id.id): activity.ar_company_id.id
            for activity in self
            if activity.ar_company_id
        }
        messages, next_activities = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if companies:
            for message in messages:
                company_id = companies.get((message.model, message.res_id, message.mail_activity_type_id.id))
                if company_id:
                    # sudo: the message was just posted by the done activity (tagging it is no right)
                    message.sudo().ar_company_id = company_id
        return messages, next_activities


class MailMessage(models.Model):
    _inherit = "mail.message"

    # Notes of one company's credit control and collections on a customer that companies
    # share (escalations, blacklist, done follow-ups): the record rule
    # ``mail_message_rule_ar_company`` shows them in that company only.
    ar_company_id = fields.Many2one("res.company", string="Collections Company", index="btree_not_null", readonly=True)
