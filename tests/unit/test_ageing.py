from datetime import date, timedelta

import pytest

AS_OF = date(2026, 6, 30)


def table(cases):
    """``parametrize`` arguments from a dict of cases keyed by their id."""
    return {"argvalues": list(cases.values()), "ids": list(cases)}


def cents(amount):
    return round(amount, 2)


def days_ago(days):
    return AS_OF - timedelta(days=days)


# Buckets

BUCKET = {
    "due-in-5-days": (-5, 0),
    "due-today-is-not-due": (0, 0),
    "1-day": (1, 1),
    "30-days": (30, 1),
    "31-days": (31, 2),
    "60-days": (60, 2),
    "61-days": (61, 3),
    "90-days": (90, 3),
    "91-days": (91, 4),
    "180-days": (180, 4),
    "181-days": (181, 5),
    "1000-days": (1000, 5),
}


@pytest.mark.parametrize(("days", "index"), **table(BUCKET))
def test_bucket_of_default_buckets(ageing, days, index):
    assert ageing.bucket_of(days_ago(days), AS_OF) == index


CUSTOM = {
    "15": (15, 1),
    "16": (16, 2),
    "45": (45, 2),
    "46-over-the-last": (46, 3),
}


@pytest.mark.parametrize(("days", "index"), **table(CUSTOM))
def test_bucket_of_custom_buckets(ageing, days, index):
    assert ageing.bucket_of(days_ago(days), AS_OF, (15, 45)) == index


MONTH_END = {
    "jan-31-on-mar-2-is-30-days": (date(2026, 1, 31), date(2026, 3, 2), 1),
    "jan-31-on-mar-3-is-31-days": (date(2026, 1, 31), date(2026, 3, 3), 2),
    "leap-jan-31-on-mar-1-is-30-days": (date(2028, 1, 31), date(2028, 3, 1), 1),
    "dec-31-on-jun-29-is-180-days": (date(2025, 12, 31), date(2026, 6, 29), 4),
    "dec-31-on-jun-30-is-181-days": (date(2025, 12, 31), AS_OF, 5),
}


@pytest.mark.parametrize(("due", "as_of", "index"), **table(MONTH_END))
def test_bucket_of_counts_days_not_months(ageing, due, as_of, index):
    assert ageing.bucket_of(due, as_of) == index


@pytest.mark.parametrize("limits", [(30, 60, 90, 180), (15, 45), (1,)])
def test_bucket_first_due_dates_agree_with_bucket_of(ageing, limits):
    firsts = ageing.bucket_first_due_dates(AS_OF, limits)
    assert firsts == (AS_OF,) + tuple(days_ago(limit) for limit in limits)
    for days in range(-3, limits[-1] + 3):
        due = days_ago(days)
        index = next((i for i, first in enumerate(firsts) if due >= first), len(firsts))
        assert index == ageing.bucket_of(due, AS_OF, limits)


VALID = {
    "default": ((30, 60, 90, 180), (30, 60, 90, 180)),
    "one": ((1,), (1,)),
    "list": ([15, 45], (15, 45)),
}


@pytest.mark.parametrize(("limits", "expected"), **table(VALID))
def test_validate_buckets(ageing, limits, expected):
    assert ageing.validate_buckets(limits) == expected


INVALID = {
    "empty": (),
    "zero": (0, 30),
    "negative": (-1,),
    "equal": (30, 30),
    "decreasing": (60, 30),
    "float": (30.0,),
    "bool": (True,),
    "text": ("30",),
}


@pytest.mark.parametrize("limits", **table(INVALID))
def test_validate_buckets_refuses(ageing, limits):
    with pytest.raises(ValueError, match="whole numbers of days"):
        ageing.validate_buckets(limits)


PARSE = {
    "commas-and-spaces": ("30, 60, 90, 180", (30, 60, 90, 180)),
    "semicolons": ("15;45", (15, 45)),
    "one": (" 7 ", (7,)),
}


@pytest.mark.parametrize(("text", "expected"), **table(PARSE))
def test_parse_buckets(ageing, text, expected):
    assert ageing.parse_buckets(text) == expected


@pytest.mark.parametrize("text", ["", "30,abc", "30,,60", "60,30", "0,30"])
def test_parse_buckets_refuses(ageing, text):
    with pytest.raises(ValueError, match="whole numbers of days"):
        ageing.parse_buckets(text)


def test_bucket_ranges_and_labels(ageing):
    assert ageing.bucket_ranges() == (
        (None, 0),
        (1, 30),
        (31, 60),
        (61, 90),
        (91, 180),
        (181, None),
    )
    labels = ageing.bucket_labels(ageing.DEFAULT_BUCKETS, "Not due", "Over %s")
    assert labels == ("Not due", "1-30", "31-60", "61-90", "91-180", "Over 180")
    assert ageing.bucket_labels((30,), "-", "> %s") == ("-", "1-30", "> 30")


def test_age_rows_against_hand_computed_totals(ageing):
    rows = [
        (days_ago(-10), 1000.0),
        (days_ago(-400), 0.1),
        (days_ago(-400), 0.2),
        (AS_OF, 200.0),
        (days_ago(1), 300.0),
        (date(2026, 5, 31), 150.0),
        (date(2026, 5, 30), 50.0),
        (date(2026, 4, 1), -100.0),
        (date(2026, 1, 1), 400.0),
        (date(2025, 12, 31), 75.5),
    ]
    totals = ageing.age_rows(rows, AS_OF, round_amount=cents)
    assert totals == (1200.3, 450.0, 50.0, -100.0, 400.0, 75.5)


def test_age_rows_with_custom_buckets_and_no_rows(ageing):
    rows = [(days_ago(10), 10.0), (days_ago(20), 20.0), (days_ago(50), 50.0)]
    assert ageing.age_rows(rows, AS_OF, (15, 45)) == (0.0, 10.0, 20.0, 50.0)
    assert ageing.age_rows([], AS_OF) == (0.0,) * 6
    with pytest.raises(ValueError, match="whole numbers of days"):
        ageing.age_rows(rows, AS_OF, (45, 15))


# Days sales outstanding

PERIOD = {
    "a-year": ((date(2026, 1, 1), date(2026, 12, 31)), 365),
    "a-leap-year": ((date(2028, 1, 1), date(2028, 12, 31)), 366),
    "february": ((date(2026, 2, 1), date(2026, 2, 28)), 28),
    "one-day": ((AS_OF, AS_OF), 1),
    "first-quarter": ((date(2026, 1, 1), date(2026, 3, 31)), 90),
}


@pytest.mark.parametrize(("period", "days"), **table(PERIOD))
def test_period_days_counts_both_ends(ageing, period, days):
    assert ageing.period_days(*period) == days


def test_period_days_refuses_an_end_before_the_start(ageing):
    with pytest.raises(ValueError, match="end of the period"):
        ageing.period_days(AS_OF, AS_OF - timedelta(days=1))


DSO = {
    "company-first-quarter": ((50000.0, 180000.0, 90), 25.0),
    "customer-a-year": ((12000.0, 36500.0, 365), 120.0),
    "nothing-owed": ((0.0, 1000.0, 30), 0.0),
    "in-credit-counts-as-zero": ((-500.0, 1000.0, 30), 0.0),
    "no-sales": ((1000.0, 0.0, 30), None),
    "credit-notes-above-sales": ((1000.0, -200.0, 30), None),
}


@pytest.mark.parametrize(("args", "expected"), **table(DSO))
def test_dso(ageing, args, expected):
    assert ageing.dso(*args) == pytest.approx(expected)


def test_company_dso_is_on_the_sums_not_the_mean(ageing):
    """A owes 10 000 of 30 000 sold, B 2 000 of 60 000, over 90 days."""
    customers = {"A": (10000.0, 30000.0), "B": (2000.0, 60000.0)}
    per_customer = {k: ageing.dso(*v, 90) for k, v in customers.items()}
    assert per_customer == pytest.approx({"A": 30.0, "B": 3.0})
    receivable = sum(r for r, _s in customers.values())
    sales = sum(s for _r, s in customers.values())
    assert ageing.dso(receivable, sales, 90) == pytest.approx(12.0)
