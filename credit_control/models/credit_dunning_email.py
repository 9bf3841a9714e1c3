from markupsafe import Markup

from odoo import Command, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval, time

# What the dunning emails take from their template, as ``send_mail_batch`` does;
# the reports are rendered apart, for all the emails at once.
RENDERED = (
    "attachment_ids",
    "auto_delete",
    "body_html",
    "email_cc",
    "email_from",
    "email_to",
    "mail_server_id",
    "model",
    "partner_to",
    "reply_to",
    "res_id",
    "scheduled_date",
    "subject",
)


class CreditDunning(models.Model):
    """The emails of the communications: queued in Odoo's mail queue with the
    statement of account attached."""

    _inherit = "credit.dunning"  # pylint: disable=consider-merging-classes-inherited

    def _email_template(self, default=None):
        """The template of the communication's level, else ``default`` (the
        standard dunning email when not given)."""
        self.ensure_one()
        return (
            self.level_id.mail_template_id
            or default
            or self.env.ref("credit_control.mail_template_credit_dunning")
        )

    def _send_emails(self):
        """Queue the emails of these communications, one batch per template; a
        communication whose email cannot be made is marked failed with the error,
        the others go on."""
        ready = self.browse()
        for communication in self:
            if not communication.recipient_id.email:
                communication._mark_failed(
                    self.env._("The customer has no email address.")
                )
            else:
                ready |= communication
        default = self.env.ref("credit_control.mail_template_credit_dunning")
        templates = ready.grouped(lambda c: c._email_template(default))
        for template, batch in templates.items():
            try:
                with self.env.cr.savepoint():
                    batch._queue_emails(template.sudo())
            except Exception:  # noqa: BLE001 - one bad email must not stop the batch
                for communication in batch:
                    communication._send_email(template)
                continue
            batch.write({"state": "sent", "error": False})

    def _queue_emails(self, template):
        """The mails of ``template`` on these communications, as its
        ``send_mail_batch`` makes them, with the reports of each attached; its
        reports are rendered for all the communications at once.  A template
        with an email layout goes through ``send_mail_batch``."""
        if template.email_layout_xmlid:
            return template.send_mail_batch(self.ids, force_send=False)
        Report = self.env["ir.actions.report"].sudo()
        rendering = [
            (report, Report._credit_start_rendering(report, self.ids))
            for report in template.report_template_ids
        ]
        values = template.with_context(credit_render_together=True)._generate_template(
            self.ids, RENDERED
        )
        reports = self._report_attachments(rendering)
        for communication in self:
            mail = values[communication.id]
            if not mail.get("email_from"):
                mail.pop("email_from", None)
            mail["body"] = mail["body_html"]
            mail["recipient_ids"] = [
                Command.link(pid) for pid in mail.pop("partner_ids", [])
            ]
            mail["attachment_ids"] = [
                Command.link(aid)
                for aid in mail.get("attachment_ids", [])
                + reports.get(communication.id, [])
            ]
        mails = (
            self.env["mail.mail"]
            .sudo()
            .create([values[communication.id] for communication in self])
        )
        attachment_ids = [aid for ids in reports.values() for aid in ids]
        if attachment_ids:
            # the reports belong to the mails' messages, deleted with them
            self.env.cr.execute(
                SQL(
                    "UPDATE ir_attachment SET res_id = rel.message_id "
                    "FROM message_attachment_rel rel "
                    "WHERE rel.attachment_id = ir_attachment.id "
                    "AND ir_attachment.id = ANY(%s)",
                    attachment_ids,
                )
            )
            self.env["ir.attachment"].browse(attachment_ids).invalidate_recordset(
                ["res_id"]
            )
        return mails

    def _report_attachments(self, rendering):
        """``{communication id: [attachment ids]}``: the reports of these
        communications, ``(report, function returning them per communication)``,
        as attachments of the mails' messages."""
        values = []
        for report, render in rendering:
            rendered = render()
            for communication in self:
                content, report_format = rendered[communication.id]
                name = (
                    safe_eval(
                        report.print_report_name,
                        {"object": communication, "time": time},
                    )
                    if report.print_report_name
                    else report.name
                )
                extension = f".{report_format}"
                values.append(
                    {
                        "name": name if name.endswith(extension) else name + extension,
                        "raw": content,
                        "res_model": "mail.message",
                        "res_id": 0,
                        "type": "binary",
                    }
                )
        attachments = self.env["ir.attachment"].sudo().create(values)
        result = {}
        for attachment, communication in zip(
            attachments, list(self) * len(rendering), strict=True
        ):
            result.setdefault(communication.id, []).append(attachment.id)
        return result

    def _send_email(self, template):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                template.sudo().send_mail(self.id, force_send=False)
        except Exception as error:  # noqa: BLE001 - recorded on the communication
            self._mark_failed(str(error))
            return
        self.write({"state": "sent", "error": False})

    def _mark_failed(self, error):
        self.write({"state": "failed", "error": error})
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._("The dunning email could not be sent: %(error)s", error=error)
        )

    def action_retry(self):
        """Send again the emails that failed."""
        self._check_controller()
        self.check_access("write")
        failed = self.sudo().filtered(lambda c: c.state == "failed")
        if not failed:
            raise UserError(self.env._("Only failed emails can be sent again."))
        failed._send_emails()
        return True
