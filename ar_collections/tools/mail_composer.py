"""The e-mail composer the documents' "Send by Email" buttons open."""


def composer_action(records, template):
    """Window action of the e-mail composer on ``records`` with ``template`` (may be empty):
    a comment e-mailed to the recipients, in the layout signed by the responsible. The caller
    checked the user and the records before; the composer checks nothing more."""
    return {
        "type": "ir.actions.act_window",
        "res_model": "mail.compose.message",
        "view_mode": "form",
        "views": [(False, "form")],
        "target": "new",
        "context": {
            "default_model": records._name,
            "default_res_ids": records.ids,
            "default_template_id": template.id if template else False,
            "default_composition_mode": "comment",
            "default_email_layout_xmlid": "mail.mail_notification_layout_with_responsible_signature",
            "force_email": True,
        },
    }
