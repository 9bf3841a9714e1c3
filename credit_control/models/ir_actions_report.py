import functools
import io
import math
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import lxml.html
from markupsafe import Markup

from odoo import api, models, modules, tools
from odoo.tools.misc import find_in_path
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models import ir_actions_report

ARTICLES = "//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"
PAGE_BREAK = Markup('<div style="page-break-before: always;"></div>')
# wkhtmltopdf runs printing the documents of a batch at the same time: one per
# processor (the emails are rendered meanwhile, then wait for them), at most four on
# a large server, whose other workers need processors and memory too
PRINTERS = max(1, min(os.cpu_count() or 1, 4))


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


def _print(args, body_path, pdf_path):
    """The PDF wkhtmltopdf prints from the file ``body_path``, ``None`` when it
    failed; both files removed."""
    try:
        # 1: what failed to load (an image, the assets) is left out
        if ir_actions_report._run_wkhtmltopdf(
            [*args, body_path, pdf_path]
        ).returncode not in (0, 1):
            return None
        with open(pdf_path, "rb") as pdf:
            return pdf.read() or None
    finally:
        os.unlink(body_path)
        os.unlink(pdf_path)


def _in_tests():
    """Whether tests run."""
    return bool(modules.module.current_test or tools.config["test_enable"])


def _testing(env):
    """Whether tests run that render reports as HTML, as Odoo's do."""
    return _in_tests() and not env.context.get("force_report_rendering")


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _credit_start_rendering(self, report_ref, res_ids):
        """A function returning ``{res_id: (content, format)}``, what
        ``_render_qweb_pdf`` gives for each record alone, from as few wkhtmltopdf
        runs as possible, started in the background when it can be.

        wkhtmltopdf built with patched Qt prints the records in one run and Odoo
        splits them along the outlines.  Built without (Debian's), it prints one
        document per run: the records are then printed as one document per
        processor, a page break before each, by wkhtmltopdf in threads; then split along
        the pages when each record took one page, else each half is printed
        again, down to single records.  Tests render HTML, one record at a time,
        as Odoo does.
        """
        if len(res_ids) < 2 or _testing(self.env):
            rendered = {
                res_id: self._render_qweb_pdf(report_ref, [res_id])
                for res_id in res_ids
            }
            return lambda: rendered
        if _patched_qt():
            streams, _format = self._pre_render_qweb_pdf(report_ref, res_ids)
            rendered = {
                res_id: (streams[res_id]["stream"].getvalue(), "pdf")
                for res_id in res_ids
            }
            return lambda: rendered
        nodes, articles, paper = self._credit_articles(report_ref, res_ids)
        report_id = self._get_report(report_ref).id
        # one document per processor, printed at the same time
        size = math.ceil(len(articles) / PRINTERS)
        printing = [
            (
                part,
                self._credit_print_in_background(
                    report_id, self._credit_one_document(report_id, part), paper
                ),
            )
            for part in (
                articles[start : start + size]
                for start in range(0, len(articles), size)
            )
        ]

        def rendered():
            pages = [
                page
                for part, printed in printing
                for page in self._credit_pdf_pages(report_id, part, paper, printed())
            ]
            return {
                int(node.get("data-oe-id")): (page, "pdf")
                for node, page in zip(nodes, pages, strict=True)
            }

        return rendered

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """Several communications (the letters of a run) as one PDF: printed as one
        document when wkhtmltopdf is not built with patched Qt, which refuses the
        document per record that Odoo gives it."""
        report = self._get_report(report_ref)
        if (
            report.report_name != "credit_control.report_credit_dunning"
            or not res_ids
            or len(res_ids) < 2
            or _patched_qt()
            or _testing(self.env)
        ):
            return super()._render_qweb_pdf(report_ref, res_ids, data)
        _nodes, articles, paper = self._credit_articles(report_ref, res_ids, data)
        pdf = self._run_wkhtmltopdf(
            [self._credit_one_document(report.id, articles)],
            report_ref=report.id,
            specific_paperformat_args=paper,
        )
        return pdf, "pdf"

    @api.model
    def _credit_articles(self, report_ref, res_ids, data=None):
        """The report of ``res_ids`` as HTML: the node of each record's article, its
        HTML, and the paper format the report asks for."""
        html = self._render_qweb_html(
            report_ref,
            res_ids,
            data={**(data or {}), "report_type": "pdf", "debug": False},
        )[0]
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        paper = {k: v for k, v in root.items() if k.startswith("data-report-")}
        nodes = root.xpath(ARTICLES)
        articles = [
            Markup(lxml.html.tostring(node, encoding="unicode")) for node in nodes
        ]
        return nodes, articles, paper

    @api.model
    def _credit_print_in_background(self, report_id, body, paper):
        """Start printing the HTML document ``body`` in a thread (``_print``,
        nothing of the ORM there); returns a function waiting for its PDF,
        ``None`` when it failed (printed again the usual way, that says why).
        Printed at once during tests: an HttpCase lets wkhtmltopdf load the styles
        from its server only from the thread that holds the test lock."""
        args = self._build_wkhtmltopdf_args(
            self._get_report(report_id).get_paperformat(),
            False,
            specific_paperformat_args=paper,
        )
        body_fd, body_path = tempfile.mkstemp(suffix=".html", prefix="report.body.tmp.")
        with os.fdopen(body_fd, "wb") as body_file:
            body_file.write(body.encode())
        pdf_fd, pdf_path = tempfile.mkstemp(suffix=".pdf", prefix="report.tmp.")
        os.close(pdf_fd)
        if _in_tests():
            pdf = _print(args, body_path, pdf_path)
            return lambda: pdf
        executor = ThreadPoolExecutor(max_workers=1)
        printing = executor.submit(_print, args, body_path, pdf_path)
        executor.shutdown(wait=False)
        return printing.result

    @api.model
    def _credit_one_document(self, report_id, articles):
        """The HTML document printing ``articles``, a page break before each."""
        layout = self._get_layout()
        return self.env["ir.qweb"]._render(
            layout.id,
            {
                "subst": False,
                "body": PAGE_BREAK.join(articles),
                "base_url": self._get_report_url(layout=layout),
                "report_xml_id": self._get_report(report_id).xml_id,
                "debug": False,
            },
        )

    @api.model
    def _credit_pdf_pages(self, report_id, articles, paper, pdf=None):
        """The PDF of each of ``articles`` (HTML), from ``pdf``, theirs printed as
        one document (printed here when not given)."""
        if not pdf:
            pdf = self._run_wkhtmltopdf(
                [self._credit_one_document(report_id, articles)],
                report_ref=report_id,
                specific_paperformat_args=paper,
            )
        if len(articles) == 1:
            return [pdf]
        reader = PdfFileReader(io.BytesIO(pdf))
        if reader.getNumPages() != len(articles):
            half = len(articles) // 2
            return self._credit_pdf_pages(
                report_id, articles[:half], paper
            ) + self._credit_pdf_pages(report_id, articles[half:], paper)
        pages = []
        for number in range(reader.getNumPages()):
            writer = PdfFileWriter()
            writer.addPage(reader.getPage(number))
            stream = io.BytesIO()
            writer.write(stream)
            pages.append(stream.getvalue())
        return pages
