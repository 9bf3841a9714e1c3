from dataclasses import replace
from datetime import date, timedelta

import pytest

TODAY = date(2026, 3, 2)


def table(cases):
    """``parametrize`` arguments from a dict of cases keyed by their id."""
    return {"argvalues": list(cases.values()), "ids": list(cases)}


def cents(amount):
    return round(amount, 2)


def levels(d):
    """A reminder 3 days before the due date, then 15, 30 and 60 days after it."""
    return [
        d.Level(3, 30, min_amount=100, min_interval=14, fee_fixed=5, key="formal"),
        d.Level(1, -3, key="reminder"),
        d.Level(4, 60, min_amount=500, min_interval=14, key="legal"),
        d.Level(2, 15, min_interval=10, interest_rate=8, key="first"),
    ]


def item(d, due, key="INV", partner="P", currency="EUR", **values):
    """An item due ``due`` days before ``TODAY`` (negative: after), or on a date."""
    if isinstance(due, int):
        due = TODAY - timedelta(days=due)
    values.setdefault("residual", 100.0)
    return d.Item(key, partner, currency, due, **values)


def ago(days):
    return TODAY - timedelta(days=days)


# Level of one item

MAR_1 = date(2026, 3, 1)
NEXT = {
    "reminder-3-days-before-due": (-3, {}, {}, 1),
    "4-days-before-due-too-early": (-4, {}, {}, None),
    "due-today-reminder": (0, {}, {}, 1),
    "100-days-late-steps-once": (100, {}, {}, 1),
    "days-and-interval-reached": (15, {"level": 1, "last_date": ago(10)}, {}, 2),
    "level-1-14-days-late": (14, {"level": 1, "last_date": ago(20)}, {}, None),
    "interval-not-reached": (40, {"level": 1, "last_date": ago(9)}, {}, None),
    "top-level-stays": (200, {"level": 4, "last_date": ago(100)}, {}, None),
    "above-every-level-stays": (200, {"level": 9, "last_date": ago(100)}, {}, None),
    "moved-today": (100, {"level": 1, "last_date": TODAY}, {}, None),
    "moved-later-than-today": (100, {"level": 1, "last_date": ago(-1)}, {}, None),
    "disputed": (100, {"disputed": True}, {}, None),
    "paused-by-promise": (100, {"paused": True}, {}, None),
    "blocked-until-tomorrow": (100, {}, {"blocked_until": ago(-1)}, None),
    "blocked-until-today": (100, {}, {"blocked_until": TODAY}, None),
    "blocked-until-yesterday": (100, {}, {"blocked_until": ago(1)}, 1),
    "under-tolerance": (100, {"residual": 4.99}, {"tolerance": 5.0}, None),
    "at-tolerance": (100, {"residual": 5.0}, {"tolerance": 5.0}, 1),
    "nothing-left": (100, {"residual": 0.0}, {}, None),
    "credit-note": (100, {"residual": -50.0}, {}, None),
}


@pytest.mark.parametrize(("due", "values", "options", "expected"), **table(NEXT))
def test_next_level(dunning, due, values, options, expected):
    options = dict(options)
    today = options.pop("today", TODAY)
    level = dunning.next_level(
        item(dunning, due, **values), levels(dunning), today, **options
    )
    assert (level and level.sequence) == expected


MONTH_END = {
    "jan-31-plus-30-days-is-mar-2": (date(2026, 1, 31), TODAY, 3),
    "jan-31-on-mar-1-is-29-days": (date(2026, 1, 31), MAR_1, None),
    "leap-jan-31-plus-30-is-mar-1": (date(2028, 1, 31), date(2028, 3, 1), 3),
    "feb-28-plus-30-is-mar-30": (date(2026, 2, 28), date(2026, 3, 30), 3),
}


@pytest.mark.parametrize(("due", "today", "expected"), **table(MONTH_END))
def test_next_level_counts_days_not_months(dunning, due, today, expected):
    """Level 3 is 30 days after the due date; level 2 was reached 20 days ago."""
    late = item(dunning, due, level=2, last_date=today - timedelta(days=20))
    level = dunning.next_level(late, levels(dunning), today)
    assert (level and level.sequence) == expected


def test_a_level_left_out_of_the_policy_is_stepped_over(dunning):
    without_2 = [lvl for lvl in levels(dunning) if lvl.sequence != 2]
    late = item(dunning, 40, level=1, last_date=ago(30))
    assert dunning.next_level(late, without_2, TODAY).key == "formal"


def step(items, communications, today):
    """The items as the Odoo layer leaves them after sending ``communications``."""
    moved = {
        line.item.key: line.level.sequence for c in communications for line in c.lines
    }
    return [
        replace(i, level=moved[i.key], last_date=today) if i.key in moved else i
        for i in items
    ]


def test_one_step_per_run_and_only_after_the_interval(dunning):
    """100 days late on day 0: level 1, then 2 after 10 days, 3 and 4 14 days apart."""
    items = [item(dunning, 100, residual=1000.0)]
    reached = {}
    for offset in range(60):
        today = TODAY + timedelta(days=offset)
        run = dunning.plan_run(items, levels(dunning), today)
        items = step(items, run, today)
        reached.update({c.level.sequence: offset for c in run})
    assert reached == {1: 0, 2: 10, 3: 24, 4: 38}


def test_second_run_the_same_day_creates_nothing(dunning):
    eager = [dunning.Level(1, 0), dunning.Level(2, 0), dunning.Level(3, 0)]
    items = [item(dunning, 10, key="A"), item(dunning, 20, key="B", currency="USD")]
    first = dunning.plan_run(items, eager, TODAY)
    assert [(c.currency, c.level.sequence) for c in first] == [("EUR", 1), ("USD", 1)]
    assert dunning.plan_run(step(items, first, TODAY), eager, TODAY) == []
    tomorrow = TODAY + timedelta(days=1)
    later = dunning.plan_run(step(items, first, TODAY), eager, tomorrow)
    assert [c.level.sequence for c in later] == [2, 2]


# Runs


def test_one_communication_per_customer_and_currency_at_the_highest_level(dunning):
    d = dunning
    items = [
        item(d, 40, key="A", residual=300.0, level=2, last_date=ago(30)),
        item(d, 5, key="B", residual=50.0),
        item(d, 20, key="C", residual=80.0, level=1, last_date=ago(5)),
        item(d, 100, key="D", currency="USD", residual=700.0),
        item(d, 100, key="E", partner="Q", disputed=True),
        item(d, -10, key="F", residual=999.0),
    ]
    run = d.plan_run(items, levels(d), TODAY)
    assert [(c.partner, c.currency) for c in run] == [("P", "EUR"), ("P", "USD")]
    eur, usd = run
    assert eur.level.key == "formal"
    assert [(line.item.key, line.level.sequence) for line in eur.lines] == [
        ("A", 3),
        ("B", 1),
    ]
    assert [other.key for other in eur.others] == ["C"]
    assert (eur.total, eur.fee) == (430.0, 5.0)
    assert (usd.level.sequence, usd.total, usd.lines[0].item.key) == (1, 700.0, "D")


def test_group_under_the_level_minimum_sends_nothing(dunning):
    small = [item(dunning, 40, residual=99.99, level=2, last_date=ago(30))]
    assert dunning.plan_run(small, levels(dunning), TODAY) == []
    enough = [
        replace(small[0], residual=60.0),
        item(dunning, 3, key="B", residual=40.0),
    ]
    run = dunning.plan_run(enough, levels(dunning), TODAY)
    assert [line.level.sequence for line in run[0].lines] == [3, 1]


def test_step_under_its_minimum_stays_behind_the_others_go(dunning):
    """60 overdue + 30 reminder = 90: under level 3's 100, the reminder goes alone."""
    d = dunning
    items = [
        item(d, 40, key="A", residual=60.0, level=2, last_date=ago(30)),
        item(d, -3, key="B", residual=30.0),
    ]
    (run,) = d.plan_run(items, levels(d), TODAY)
    assert (run.level.sequence, run.total) == (1, 90.0)
    assert [line.item.key for line in run.lines] == ["B"]
    assert [other.key for other in run.others] == ["A"]


GROUP = {
    "every-minimum-reached": ((60.0, 45.0), ("X", "Y"), 105.0),
    "dropping-the-reminder-drops-the-other": ((50.0, 45.0), (), 45.0),
    "overdue-alone-reaches-its-minimum": ((4.0, 95.0), ("Y",), 95.0),
}


@pytest.mark.parametrize(("residuals", "kept", "total"), **table(GROUP))
def test_group_steps_until_every_kept_minimum_is_reached(
    dunning, residuals, kept, total
):
    """X, a reminder, needs 100 at level 1; Y, overdue, needs 90 at level 2."""
    d = dunning
    reminder, late = d.Level(1, -5, min_amount=100), d.Level(2, 10, min_amount=90)
    x = item(d, -2, key="X", residual=residuals[0])
    y = item(d, 20, key="Y", residual=residuals[1], level=1)
    steps, group_total = d.group_steps([(x, reminder), (y, late)], [y], TODAY, cents)
    assert tuple(i.key for i, _level in steps) == kept
    assert group_total == total


def test_blocked_customer_sends_nothing_until_the_block_ends(dunning):
    d = dunning
    items = [item(d, 20, key="A"), item(d, 20, key="B", partner="Q")]
    for blocked_until, partners in ((ago(-1), ["Q"]), (ago(1), ["P", "Q"])):
        run = d.plan_run(items, levels(d), TODAY, 0.0, {"P": blocked_until})
        assert [c.partner for c in run] == partners


def test_tolerance_leaves_small_items_out_of_lines_and_total(dunning):
    d = dunning
    items = [item(d, 20, key="A", residual=2.0), item(d, 20, key="B", residual=80.0)]
    (run,) = d.plan_run(items, levels(d), TODAY, tolerance=5.0)
    assert [line.item.key for line in run.lines] == ["B"]
    assert (run.others, run.total) == ((), 80.0)


def test_promise_pauses_and_a_broken_or_kept_one_resumes(dunning):
    """A kept promise of part of the invoice leaves the rest to the dunning."""
    d = dunning
    promised = date(2026, 3, 10)

    def run(today, paid, amount=500.0):
        state = d.promise_state(promised, amount, paid, today)
        paused = state in d.PAUSING
        invoice = item(d, 40, residual=500.0 - paid, level=2, last_date=ago(30))
        return state, d.plan_run([replace(invoice, paused=paused)], levels(d), today)

    assert run(TODAY, 0.0) == ("pending", [])
    assert run(promised, 200.0) == ("pending", [])
    for today, amount, state in (
        (promised + timedelta(days=1), 500.0, "broken"),
        (TODAY, 200.0, "kept"),
    ):
        result, communications = run(today, 200.0, amount)
        assert (result, communications[0].level.sequence) == (state, 3)
        assert communications[0].total == 300.0


def test_fee_and_interest_of_a_communication(dunning):
    """At level 2's 8 %: 1000 x 20 days, 500 x 10 (charged before) and 250 x 3.

    The fee is 2 % of 1750, within 10 and 50.
    """
    d = dunning
    level_2 = d.Level(2, 15, fee_pct=2, fee_min=10, fee_max=50, interest_rate=8)
    policy = [d.Level(1, 0), level_2]
    items = [
        item(d, 20, key="A", residual=1000.0, level=1, last_date=ago(5)),
        item(d, 30, key="B", residual=500.0, level=1, interest_from=ago(10)),
        item(d, 3, key="C", residual=250.0),
    ]
    (run,) = d.plan_run(items, policy, TODAY, round_amount=cents)
    assert [(line.item.key, line.interest) for line in run.lines] == [
        ("A", 4.38),
        ("B", 1.1),
        ("C", 0.16),
    ]
    assert (run.total, run.fee, run.interest) == (1750.0, 35.0, 5.64)


# Fee and interest

FEE = {
    "no-fee": ({}, 1000.0, 0.0),
    "fixed": ({"fee_fixed": 15}, 1000.0, 15.0),
    "min-alone-is-no-fee": ({"fee_min": 10}, 1000.0, 0.0),
    "pct": ({"fee_pct": 2, "fee_min": 10, "fee_max": 50}, 1000.0, 20.0),
    "pct-under-min": ({"fee_pct": 2, "fee_min": 10, "fee_max": 50}, 100.0, 10.0),
    "pct-over-max": ({"fee_pct": 2, "fee_min": 10, "fee_max": 50}, 5000.0, 50.0),
    "max-0-is-no-max": ({"fee_pct": 2}, 100000.0, 2000.0),
    "fixed-plus-pct": ({"fee_fixed": 5, "fee_pct": 1}, 1000.0, 15.0),
    "max-wins-over-min": ({"fee_pct": 1, "fee_min": 60, "fee_max": 50}, 10.0, 50.0),
    "rounded": ({"fee_pct": 1.5}, 333.33, 5.0),
}


@pytest.mark.parametrize(("terms", "amount", "expected"), **table(FEE))
def test_fee(dunning, terms, amount, expected):
    assert dunning.fee(dunning.Level(1, 0, **terms), amount, cents) == expected


INTEREST = {
    "a-year": ((1000.0, 10, 365), 100.0),
    "360-day-year": ((1000.0, 12, 30, cents, 360), 10.0),
    "30-days-at-8": ((1000.0, 8, 30), 6.58),
    "366-days": ((1000.0, 10, 366), 100.27),
    "no-days": ((1000.0, 10, 0), 0.0),
    "negative-days": ((1000.0, 10, -5), 0.0),
    "no-rate": ((1000.0, 0, 30), 0.0),
    "credit": ((-1000.0, 10, 30), 0.0),
}


@pytest.mark.parametrize(("args", "expected"), **table(INTEREST))
def test_interest(dunning, args, expected):
    assert dunning.interest(*args[:3], cents, *args[4:]) == expected


INTEREST_DAYS = {
    "since-due-date": (30, None, 30),
    "since-last-charge": (30, ago(10), 10),
    "charge-before-due-date": (30, ago(40), 30),
    "not-due": (-5, None, 0),
}


@pytest.mark.parametrize(("due", "since", "days"), **table(INTEREST_DAYS))
def test_interest_days(dunning, due, since, days):
    assert item(dunning, due, interest_from=since).interest_days(TODAY) == days


# Promises and plans

PROMISE = {
    "paid-in-full": ((500.0, 500.0, TODAY), {}, "kept"),
    "paid-more": ((500.0, 600.0, ago(30)), {}, "kept"),
    "cents-add-up": ((0.3, 0.1 + 0.2, ago(30)), {}, "kept"),
    "part-paid-before-date": ((500.0, 200.0, ago(1)), {}, "pending"),
    "promised-today": ((500.0, 0.0, TODAY), {}, "pending"),
    "day-after": ((500.0, 499.99, ago(-1)), {}, "broken"),
    "within-grace": ((500.0, 0.0, ago(-3)), {"grace_days": 3}, "pending"),
    "after-grace": ((500.0, 0.0, ago(-4)), {"grace_days": 3}, "broken"),
}


@pytest.mark.parametrize(("args", "options", "state"), **table(PROMISE))
def test_promise_state(dunning, args, options, state):
    amount, paid, today = args
    result = dunning.promise_state(
        TODAY, amount, paid, today, round_amount=cents, **options
    )
    assert result == state


APR_1, MAY_1 = date(2026, 4, 1), date(2026, 5, 1)
INSTALMENTS = [(MAY_1, 100.0), (MAR_1, 100.0), (APR_1, 100.0)]
PLAN = {
    "before-first": ((date(2026, 2, 15), 0.0), {}, ("on_track", (MAR_1, 100.0), 0.0)),
    "due-today": ((MAR_1, 0.0), {}, ("on_track", (MAR_1, 100.0), 0.0)),
    "first-missed": ((TODAY, 0.0), {}, ("broken", (MAR_1, 100.0), 100.0)),
    "first-paid": ((TODAY, 100.0), {}, ("on_track", (APR_1, 100.0), 0.0)),
    "paid-ahead": ((TODAY, 250.0), {}, ("on_track", (MAY_1, 50.0), 0.0)),
    "part-of-second": ((date(2026, 4, 5), 150.0), {}, ("broken", (APR_1, 50.0), 50.0)),
    "within-grace": (
        (date(2026, 4, 5), 150.0),
        {"grace_days": 4},
        ("on_track", (APR_1, 50.0), 0.0),
    ),
    "all-missed": ((date(2026, 6, 1), 0.0), {}, ("broken", (MAR_1, 100.0), 300.0)),
    "completed": ((TODAY, 300.0), {}, ("completed", None, 0.0)),
    "overpaid": ((TODAY, 350.0), {}, ("completed", None, 0.0)),
    "cents": ((TODAY, 0.1 + 0.2), {}, ("broken", (MAR_1, 99.7), 99.7)),
}


@pytest.mark.parametrize(("args", "options", "expected"), **table(PLAN))
def test_plan_status(dunning, args, options, expected):
    today, paid = args
    result = dunning.plan_status(
        INSTALMENTS, paid, today, round_amount=cents, **options
    )
    due = result.next_due and (result.next_due.date, result.next_due.amount)
    assert (result.status, due, result.behind) == expected


ADD_MONTHS = {
    "jan-31-to-feb-28": (date(2026, 1, 31), 1, date(2026, 2, 28)),
    "leap-feb-29": (date(2028, 1, 31), 1, date(2028, 2, 29)),
    "aug-31-to-sep-30": (date(2026, 8, 31), 1, date(2026, 9, 30)),
    "across-the-year": (date(2026, 11, 30), 3, date(2027, 2, 28)),
    "backwards": (date(2026, 3, 31), -1, date(2026, 2, 28)),
    "same": (date(2026, 3, 15), 0, date(2026, 3, 15)),
}


@pytest.mark.parametrize(("day", "months", "expected"), **table(ADD_MONTHS))
def test_add_months_keeps_to_the_month_end(dunning, day, months, expected):
    assert dunning.add_months(day, months) == expected


def test_monthly_dates_keep_the_first_day_of_month(dunning):
    dates = dunning.monthly_dates(date(2026, 1, 31), 3)
    assert dates == (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31))


SCHEDULE = {
    "no-interest": (0, [(333.33, 0.0), (333.33, 0.0), (333.34, 0.0)]),
    "12-pct-on-what-is-owed": (12, [(343.52, 10.19), (339.47, 6.14), (336.74, 3.4)]),
}


@pytest.mark.parametrize(("rate", "expected"), **table(SCHEDULE))
def test_plan_schedule(dunning, rate, expected):
    """1000 from Jan 1: 31, 28 and 31 days on 1000, 666.67 and 333.34."""
    dates = [APR_1, date(2026, 2, 1), MAR_1]
    schedule = dunning.plan_schedule(1000.0, date(2026, 1, 1), dates, rate, cents)
    assert [i.date for i in schedule] == [date(2026, 2, 1), MAR_1, APR_1]
    assert [(i.amount, i.interest) for i in schedule] == expected


def test_plan_schedule_without_dates(dunning):
    assert dunning.plan_schedule(1000.0, TODAY, []) == ()
