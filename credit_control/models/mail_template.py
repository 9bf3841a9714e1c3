import uuid

from lxml import html
from markupsafe import Markup

from odoo import api, models


class MailTemplate(models.Model):
    """A QWeb body rendered for many records in one pass when the context asks for it
    (``credit_render_together``, the dunning run's emails): Odoo parses and compiles
    the body again for each record, which costs more than rendering it."""

    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        if (
            not self.env.context.get("credit_render_together")
            or len(res_ids) < 2
            # restricted rendering: record by record, as Odoo checks it
            or not (
                self._unrestricted_rendering
                or self.env.is_admin()
                or self.env.user.has_group("mail.group_mail_template_editor")
            )
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        # the body once, in a loop setting ``object`` as Odoo does for each record,
        # a unique comment after each record's part
        separator = Markup(f"<!--{uuid.uuid4().hex}-->")
        root = html.fragment_fromstring(template_src, create_parent="div")
        loop = html.Element("t", {"t-foreach": "credit_objects", "t-as": "object"})
        loop.text, root.text = root.text, None
        loop.extend(list(root))
        loop.append(html.Element("t", {"t-out": "credit_separator"}))
        root.append(loop)
        variables = self._render_eval_context()
        variables.update(
            add_context or {},
            credit_objects=self.env[model].browse(res_ids),
            credit_separator=separator,
        )
        try:
            rendered = self.env["ir.qweb"]._render(root, variables, **(options or {}))
        except Exception:  # noqa: BLE001 - record by record, Odoo says which failed
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        # without the <div> added to hold the body's nodes, as Odoo does
        parts = str(rendered)[5:-6].split(separator)
        if len(parts) != len(res_ids) + 1:
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        return {
            res_id: Markup(part) for res_id, part in zip(res_ids, parts, strict=False)
        }
