from datetime import date, datetime
from decimal import Decimal

import pytest

CASES = {
    "null": (None, "\\N"),
    "plain text": ("Acme 公司", "Acme 公司"),
    "what ends a value or a row": ("a\\b\tc\nd\re", "a\\\\b\\tc\\nd\\re"),
    "number": (1234.5, "1234.5"),
    "decimal": (Decimal("0.10"), "0.10"),
    "boolean": (False, "False"),
    "date": (date(2026, 11, 26), "2026-11-26"),
    "datetime": (datetime(2026, 11, 26, 8, 5, 1), "2026-11-26 08:05:01"),
    "json, its backslashes escaped": (
        [{"note": 'say "hi"\n'}],
        '[{"note":"say \\\\"hi\\\\"\\\\n"}]',
    ),
}


@pytest.mark.parametrize(("value", "text"), list(CASES.values()), ids=list(CASES))
def test_copy_text(tools, value, text):
    assert tools._copy_text(value) == text
