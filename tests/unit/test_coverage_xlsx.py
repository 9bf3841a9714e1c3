import io
from datetime import date

import pytest
from conftest import load_module

openpyxl = pytest.importorskip("openpyxl")

COLUMNS = [
    ("Buyer", "text"),
    ("Cover", "money"),
    ("Expiry", "date"),
    ("Use", "percent"),
]


@pytest.fixture(scope="module")
def xlsx():
    return load_module("credit_insurance/lib/coverage_xlsx.py")


def sheet(content, values=False):
    return openpyxl.load_workbook(io.BytesIO(content), data_only=values).active


def test_rows_under_the_title_and_a_totals_row_of_formulas_with_their_values(xlsx):
    rows = [("A", 500.0, date(2026, 12, 31), 160.0), ("B", 2000.0, None, 20.0)]
    content = xlsx.workbook("Coverage", [("Policy", "TC-001")], COLUMNS, rows, "Total")
    formulas = sheet(content)
    assert [c.value for c in formulas[1]] == ["Policy", "TC-001", None, None]
    assert [c.value for c in formulas[3]] == ["Buyer", "Cover", "Expiry", "Use"]
    assert formulas["A4"].value == "A" and formulas["C4"].value.date() == date(
        2026, 12, 31
    )
    assert formulas["C5"].value is None
    assert formulas["A6"].value == "Total" and formulas["B6"].value == "=SUM(B4:B5)"
    assert formulas["B6"].font.bold
    assert sheet(content, values=True)["B6"].value == 2500.0


def test_no_rows_totals_zero_without_a_formula(xlsx):
    content = xlsx.workbook("Coverage", [], COLUMNS, [], "Total", decimals=0)
    cells = sheet(content)
    assert [c.value for c in cells[1]] == ["Buyer", "Cover", "Expiry", "Use"]
    assert cells["A2"].value == "Total" and cells["B2"].value == 0
    assert cells["B2"].number_format == "#,##0"
