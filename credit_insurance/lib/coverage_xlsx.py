"""The coverage report as an XLSX workbook, free of Odoo so that it tests alone.

The caller gives the titles (translated), the kind of each column and the rows as
plain values; this module only lays them out with xlsxwriter.
"""

import io
from datetime import date

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

TEXT = "text"
MONEY = "money"
DATE = "date"
PERCENT = "percent"
INTEGER = "integer"


def workbook(sheet_name, title_rows, columns, rows, total_label, decimals=2):
    """Bytes of a workbook of one sheet.

    ``title_rows``: ``(label, value)`` pairs written above the table (the insurer,
    the policy, the date...); ``columns``: ``(title, kind)`` pairs, ``kind`` one of
    the constants above; ``rows``: tuples of values in the order of the columns
    (``None`` leaves a cell empty).  Below the rows a totals row sums each money
    column with a formula, the sum written with it as its value so that readers
    that do not compute formulas show it too.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(sheet_name[:31])
    money_format = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    formats = {
        TEXT: None,
        MONEY: book.add_format({"num_format": money_format}),
        DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
        PERCENT: book.add_format({"num_format": "0.0"}),
        INTEGER: book.add_format({"num_format": "0"}),
    }
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True})
    bold_money = book.add_format({"bold": True, "num_format": money_format, "top": 1})
    bold_total = book.add_format({"bold": True, "top": 1})

    row = 0
    for label, value in title_rows:
        sheet.write(row, 0, label, bold)
        _write(sheet, row, 1, value, formats[DATE] if isinstance(value, date) else None)
        row += 1
    if title_rows:
        row += 1

    for col, (title, kind) in enumerate(columns):
        sheet.write(row, col, title, header)
        sheet.set_column(col, col, 32 if col == 0 else 16 if kind == MONEY else 14)
    sheet.freeze_panes(row + 1, 1)
    first = row + 1
    sums = [0.0] * len(columns)
    for values in rows:
        row += 1
        for col, ((_title, kind), value) in enumerate(
            zip(columns, values, strict=True)
        ):
            _write(sheet, row, col, value, formats[kind])
            if kind == MONEY and value:
                sums[col] += value
    last = row
    row += 1

    sheet.write(row, 0, total_label, bold_total)
    for col, (_title, kind) in enumerate(columns[1:], start=1):
        if kind != MONEY:
            sheet.write_blank(row, col, None, bold_total)
            continue
        value = round(sums[col], decimals)
        if last >= first:
            formula = (
                f"=SUM({xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(last, col)})"
            )
            sheet.write_formula(row, col, formula, bold_money, value)
        else:
            sheet.write_number(row, col, 0.0, bold_money)
    book.close()
    return buffer.getvalue()


def _write(sheet, row, col, value, cell_format):
    if value is None or value is False or value == "":
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)
