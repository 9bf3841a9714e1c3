from datetime import date

import pytest

COUNTED = {"guarantees_in_limit": True, "no_limit_action": "unlimited"}
CASH = {"guarantees_in_limit": True, "no_limit_action": "hold"}
IGNORED = {"guarantees_in_limit": False, "no_limit_action": "hold"}


@pytest.mark.parametrize(
    ("limit", "guarantees", "settings", "expected"),
    [
        (1000.0, 500.0, COUNTED, 1500.0),
        (1000.0, 0.0, COUNTED, 1000.0),
        (1000.0, 500.0, IGNORED, 1000.0),
        (1000.0, 500.0, {}, 1000.0),
        # unlimited credit is not narrowed to the guarantee
        (0.0, 500.0, COUNTED, 0.0),
        # a cash customer gets credit up to its guarantees
        (0.0, 500.0, CASH, 500.0),
        (0.0, 500.0, IGNORED, 0.0),
    ],
)
def test_guaranteed_limit(rules, limit, guarantees, settings, expected):
    assert rules.guaranteed_limit(limit, guarantees, settings) == expected


def test_guarantees_are_converted_and_never_counted(rules):
    exposure = rules.merge_rows(
        [
            ("receivable", 300.0, None, None, 1),
            ("guarantees", 400.0, None, None, 1),
            ("guarantees", 1000.0, None, None, 0.5),
        ]
    )
    assert exposure["guarantees"] == 900.0
    assert exposure.total == 300.0
    assert "guarantees" not in exposure.counted
    assert exposure.dates == {}
    assert exposure.overdue_days(date(2026, 11, 25)) == 0
