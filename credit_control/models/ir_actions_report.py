import functools
import io
import subprocess

import lxml.html
from markupsafe import Markup

from odoo import api, models, modules, tools
from odoo.tools.misc import find_in_path
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

ARTICLES = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
PAGE_BREAK = Markup('<div style="page-break-before: always;"></div>')


@functools.lru_cache(1)
def _patched_qt():
    """Whether wkhtmltopdf is built with patched Qt (Odoo keeps only the version
    number of its ``--version``)."""
    try:
        version = subprocess.run(
            [find_in_path("wkhtmltopdf"), "--version"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        return False
    return "with patched qt" in version


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _credit_render_per_record(self, report_ref, res_ids):
        """``{res_id: (content, format)}``: what ``_render_qweb_pdf`` gives for
        each record alone, from as few wkhtmltopdf runs as possible.

        wkhtmltopdf built with patched Qt prints the records in one run and Odoo
        splits them along the outlines.  Built without (Debian's), it prints one
        document per run: the records are then printed as one document, a page
        break before each, and split along the pages when each record took one
        page; otherwise each half is printed again, down to single records.
        Tests render HTML, one record at a time, as Odoo does.
        """
        testing = modules.module.current_test or tools.config["test_enable"]
        if len(res_ids) < 2 or (
            testing and not self.env.context.get("force_report_rendering")
        ):
            return {
                res_id: self._render_qweb_pdf(report_ref, [res_id])
                for res_id in res_ids
            }
        if _patched_qt():
            streams, _format = self._pre_render_qweb_pdf(report_ref, res_ids)
            return {
                res_id: (streams[res_id]["stream"].getvalue(), "pdf")
                for res_id in res_ids
            }
        html = self._render_qweb_html(
            report_ref, res_ids, data={"report_type": "pdf", "debug": False}
        )[0]
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        paper = {k: v for k, v in root.items() if k.startswith("data-report-")}
        nodes = root.xpath(ARTICLES)
        articles = [
            Markup(lxml.html.tostring(node, encoding="unicode")) for node in nodes
        ]
        pages = self._credit_pdf_pages(report_ref, articles, paper)
        return {
            int(node.get("data-oe-id")): (page, "pdf")
            for node, page in zip(nodes, pages, strict=True)
        }

    @api.model
    def _credit_pdf_pages(self, report_ref, articles, paper):
        """The PDF of each of ``articles`` (HTML), printed as one document."""
        report = self._get_report(report_ref)
        layout = self._get_layout()
        body = self.env["ir.qweb"]._render(
            layout.id,
            {
                "subst": False,
                "body": PAGE_BREAK.join(articles),
                "base_url": self._get_report_url(layout=layout),
                "report_xml_id": report.xml_id,
                "debug": False,
            },
        )
        pdf = self._run_wkhtmltopdf(
            [body], report_ref=report_ref, specific_paperformat_args=paper
        )
        reader = PdfFileReader(io.BytesIO(pdf))
        if len(articles) == 1:
            return [pdf]
        if reader.getNumPages() != len(articles):
            half = len(articles) // 2
            return self._credit_pdf_pages(
                report_ref, articles[:half], paper
            ) + self._credit_pdf_pages(report_ref, articles[half:], paper)
        pages = []
        for number in range(reader.getNumPages()):
            writer = PdfFileWriter()
            writer.addPage(reader.getPage(number))
            stream = io.BytesIO()
            writer.write(stream)
            pages.append(stream.getvalue())
        return pages
