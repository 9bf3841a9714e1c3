from datetime import date

import pytest


@pytest.mark.parametrize(
    "day, frequency, expected",
    [
        (date(2026, 11, 26), "monthly", (date(2026, 11, 1), date(2026, 11, 30))),
        (date(2026, 12, 31), "monthly", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2028, 2, 10), "monthly", (date(2028, 2, 1), date(2028, 2, 29))),
        (date(2026, 11, 26), "quarterly", (date(2026, 10, 1), date(2026, 12, 31))),
        (date(2026, 1, 1), "quarterly", (date(2026, 1, 1), date(2026, 3, 31))),
    ],
)
def test_period_of(periods, day, frequency, expected):
    assert periods.period_of(day, frequency) == expected


@pytest.mark.parametrize(
    "day, frequency, expected",
    [
        (date(2026, 11, 26), "monthly", (date(2026, 10, 1), date(2026, 10, 31))),
        (date(2026, 1, 5), "monthly", (date(2025, 12, 1), date(2025, 12, 31))),
        (date(2026, 11, 26), "quarterly", (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 2, 1), "quarterly", (date(2025, 10, 1), date(2025, 12, 31))),
    ],
)
def test_previous_period(periods, day, frequency, expected):
    assert periods.previous_period(day, frequency) == expected


def test_names_deadline_and_premium(periods):
    assert periods.period_name(date(2026, 10, 1), "monthly") == "2026-10"
    assert periods.period_name(date(2026, 10, 1), "quarterly") == "2026-Q4"
    assert periods.deadline(date(2026, 10, 31), 20) == date(2026, 11, 20)
    assert periods.premium(2000.0, 0.25) == 5.0


def test_claim_arithmetic(coverage):
    assert coverage.claim_amount(1000.0, 800.0, 90.0) == 720.0
    assert coverage.claim_amount(500.0, 800.0, 90.0) == 450.0
    assert coverage.claim_amount(-5.0, 800.0, 90.0) == 0.0
    assert coverage.insurer_share(200.0, 90.0) == 180.0
