"""Dunning arithmetic, free of Odoo so that it tests in milliseconds.

A credit policy has dunning :class:`Level` records ordered by ``sequence``; each
open invoice is an :class:`Item` that remembers the last level it reached and when.
A dunning run moves every item at most one level up (:func:`next_level`) and groups
the items that moved per customer and currency into one :class:`Communication` at
the highest level they reached (:func:`plan_run`), with its fee and late interest.

Promises to pay and payment plans pause the dunning of their invoices while they
hold (:func:`promise_state`, :func:`plan_status`, :data:`PAUSING`); the Odoo layer
marks the items ``paused`` from them and raises the alerts when one is broken.

Amounts are plain floats in one currency; ``round_amount`` rounds what a
computation produced (the Odoo layer passes its currency's ``round``).  Days are
counted in calendar days between ``datetime.date`` values, never in months.
"""

import calendar
from dataclasses import dataclass
from datetime import date

YEAR_DAYS = 365

PENDING = "pending"
KEPT = "kept"
BROKEN = "broken"
ON_TRACK = "on_track"
COMPLETED = "completed"
# States of a promise or a plan that keep its invoices out of the dunning run: once
# kept or completed, what is left of them is dunned as usual.
PAUSING = frozenset({PENDING, ON_TRACK})


@dataclass(frozen=True)
class Level:
    """One step of a policy's dunning.

    An item reaches it ``days`` days after its due date (negative: a reminder
    before it) and at least ``min_interval`` days after its previous step; the
    customer's amount dunned in the currency must reach ``min_amount``.  The fee
    is ``fee_fixed`` plus ``fee_pct`` % of that amount, kept within ``fee_min`` and
    ``fee_max`` (``0``: no maximum); ``interest_rate`` is an annual percentage.
    ``key`` is the Odoo layer's own reference to the level.
    """

    sequence: int
    days: int
    min_amount: float = 0.0
    min_interval: int = 0
    fee_fixed: float = 0.0
    fee_pct: float = 0.0
    fee_min: float = 0.0
    fee_max: float = 0.0
    interest_rate: float = 0.0
    key: object = None


@dataclass(frozen=True)
class Item:
    """An open invoice, or an open line of one, with its residual.

    ``level`` is the sequence of the last level it reached (``0``: none) and
    ``last_date`` the day it reached it; ``paused`` says a promise or a plan that
    holds covers it; ``interest_from`` is the day up to which late interest was
    already charged (the due date when ``None``).
    """

    key: object
    partner: object
    currency: object
    due_date: date
    residual: float
    level: int = 0
    last_date: date | None = None
    disputed: bool = False
    paused: bool = False
    interest_from: date | None = None

    def days_past_due(self, today):
        """Days since the due date, negative before it."""
        return (today - self.due_date).days

    def interest_days(self, today):
        """Days of late interest not yet charged as of ``today``."""
        start = max(self.due_date, self.interest_from or self.due_date)
        return max((today - start).days, 0)


@dataclass(frozen=True)
class Line:
    """An item that reaches ``level`` today, with its late interest."""

    item: Item
    level: Level
    interest: float


@dataclass(frozen=True)
class Communication:
    """What one customer receives in one currency from a run.

    ``level`` is the highest level its ``lines`` reached; ``others`` are the
    customer's other overdue items in the currency, which do not move today.
    ``total`` is the residual of both, the amount the customer is asked to pay;
    ``fee`` is charged on it at ``level``; ``interest`` sums the lines' interest.
    """

    partner: object
    currency: object
    level: Level
    lines: tuple
    others: tuple
    total: float
    fee: float
    interest: float


def _sequence(level):
    return level.sequence


def is_dunnable(item, today, tolerance=0.0, blocked_until=None):
    """Whether ``item`` may be chased today.

    Not when it is disputed or paused, when its customer's dunning is blocked
    until ``today`` or later, or when its residual is ``0`` or under ``tolerance``.
    """
    if item.disputed or item.paused:
        return False
    if blocked_until is not None and blocked_until >= today:
        return False
    return item.residual > 0 and item.residual >= tolerance


def next_level(item, levels, today, tolerance=0.0, blocked_until=None):
    """The level ``item`` reaches today, or ``None``.

    Only the level right after the item's own can be reached (one step per run,
    however late the item is), and only when the item is dunnable, has been due
    for at least the level's ``days`` and reached its previous level at least the
    level's ``min_interval`` days ago.  An item that moved today or later does not
    move again, so that a second run the same day changes nothing.  The level's
    ``min_amount`` is a condition on the customer's total: see :func:`group_steps`.
    """
    if not is_dunnable(item, today, tolerance, blocked_until):
        return None
    if item.last_date is not None and item.last_date >= today:
        return None
    following = [level for level in levels if level.sequence > item.level]
    if not following:
        return None
    level = min(following, key=_sequence)
    if item.days_past_due(today) < level.days:
        return None
    if item.last_date is None:
        return level
    return level if (today - item.last_date).days >= level.min_interval else None


def group_steps(steps, overdue, today, round_amount=float):
    """The ``(item, level)`` steps of one customer and currency that go out.

    ``overdue`` holds the group's dunnable items past due, whether they step or
    not.  The group's total is their residual plus that of the kept steps not due
    yet (reminders).  A step whose level's ``min_amount`` is above the total stays
    behind and the total is recomputed without it, until every kept step's minimum
    is reached.  Returns the kept steps and the total.
    """
    base = sum(item.residual for item in overdue)
    kept = list(steps)
    while True:
        early = sum(i.residual for i, _level in kept if i.days_past_due(today) <= 0)
        total = round_amount(base + early)
        reached = [step for step in kept if total >= step[1].min_amount]
        if len(reached) == len(kept):
            return tuple(kept), total
        kept = reached


def fee(level, amount, round_amount=float):
    """The fee of a communication of ``amount`` at ``level``.

    ``0`` when the level has neither a fixed fee nor a percentage; otherwise the
    fixed fee plus the percentage of ``amount``, at least ``fee_min`` and at most
    ``fee_max`` when it is set (the maximum wins over a higher minimum).
    """
    if not level.fee_fixed and not level.fee_pct:
        return 0.0
    charge = max(level.fee_fixed + amount * level.fee_pct / 100.0, level.fee_min)
    if level.fee_max > 0:
        charge = min(charge, level.fee_max)
    return round_amount(charge)


def interest(amount, annual_rate_pct, days, round_amount=float, year_days=YEAR_DAYS):
    """Simple interest, ``amount`` x rate % x ``days`` / ``year_days``.

    ``0`` when the amount, the rate or the days are not above ``0``.
    """
    if amount <= 0 or annual_rate_pct <= 0 or days <= 0:
        return 0.0
    return round_amount(amount * annual_rate_pct / 100.0 * days / year_days)


def plan_run(
    items,
    levels,
    today,
    tolerance=0.0,
    blocked_until_by_partner=None,
    round_amount=float,
):
    """The communications of a dunning run on ``today``, in the items' order.

    Items are grouped per customer and currency; a group gives a communication
    when at least one of its items reaches a level (:func:`next_level`) and the
    group's total reaches that level's minimum (:func:`group_steps`).  The
    communication is at the highest level reached; the late interest of each line
    is at that level's rate on the days not yet charged.
    ``blocked_until_by_partner`` maps a customer to the last day its dunning is
    blocked.
    """
    blocked = blocked_until_by_partner or {}
    groups = {}
    for item in items:
        blocked_until = blocked.get(item.partner)
        if not is_dunnable(item, today, tolerance, blocked_until):
            continue
        steps, overdue = groups.setdefault((item.partner, item.currency), ([], []))
        level = next_level(item, levels, today, tolerance, blocked_until)
        if level is not None:
            steps.append((item, level))
        if item.days_past_due(today) > 0:
            overdue.append(item)
    communications = []
    for (partner, currency), (steps, overdue) in groups.items():
        kept, total = group_steps(steps, overdue, today, round_amount)
        if not kept:
            continue
        top = max((level for _item, level in kept), key=_sequence)
        lines = tuple(
            Line(item, level, _line_interest(item, top, today, round_amount))
            for item, level in kept
        )
        moved = {id(line.item) for line in lines}
        communications.append(
            Communication(
                partner=partner,
                currency=currency,
                level=top,
                lines=lines,
                others=tuple(item for item in overdue if id(item) not in moved),
                total=total,
                fee=fee(top, total, round_amount),
                interest=round_amount(sum(line.interest for line in lines)),
            )
        )
    return communications


def _line_interest(item, level, today, round_amount):
    days = item.interest_days(today)
    return interest(item.residual, level.interest_rate, days, round_amount)


# Promises to pay and payment plans


def promise_state(
    promised_date,
    promised_amount,
    paid_since_promise,
    today,
    grace_days=0,
    round_amount=float,
):
    """``kept`` once paid in full, ``pending`` until the promised date plus
    ``grace_days``, ``broken`` after it.
    """
    if round_amount(paid_since_promise) >= round_amount(promised_amount):
        return KEPT
    if (today - promised_date).days <= grace_days:
        return PENDING
    return BROKEN


@dataclass(frozen=True)
class Instalment:
    """An amount due on a date; ``interest`` is the part of it that is interest."""

    date: date
    amount: float
    interest: float = 0.0


@dataclass(frozen=True)
class PlanStatus:
    """Where a payment plan stands.

    ``next_due`` is the first instalment not fully paid, with what is left of it
    (``None`` once all are paid); ``behind`` what the missed instalments still ask.
    """

    status: str
    next_due: Instalment | None
    behind: float


def plan_status(instalments, paid_total, today, grace_days=0, round_amount=float):
    """Match ``paid_total`` to the ``(date, amount)`` instalments, oldest first.

    An instalment is missed when it is not fully paid more than ``grace_days``
    after its date.  The plan is ``completed`` when every instalment is paid,
    ``broken`` when one is missed, ``on_track`` otherwise.
    """
    unused = max(paid_total, 0.0)
    next_due, behind = None, 0.0
    for when, amount in sorted(instalments, key=_first):
        covered = min(unused, amount)
        unused -= covered
        left = round_amount(amount - covered)
        if left <= 0:
            continue
        if next_due is None:
            next_due = Instalment(when, left)
        if (today - when).days > grace_days:
            behind += left
    behind = round_amount(behind)
    if next_due is None:
        return PlanStatus(COMPLETED, None, 0.0)
    return PlanStatus(BROKEN if behind > 0 else ON_TRACK, next_due, behind)


def _first(pair):
    return pair[0]


def add_months(day, months):
    """``day`` moved by ``months``, on the last day of a month too short for it."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def monthly_dates(first, count):
    """``count`` dates a month apart from ``first``, keeping its day of month."""
    return tuple(add_months(first, months) for months in range(count))


def plan_schedule(
    principal,
    start,
    dates,
    annual_rate_pct=0.0,
    round_amount=float,
    year_days=YEAR_DAYS,
):
    """The instalments that repay ``principal`` on ``dates``.

    Each repays an equal part of the principal, the last one what rounding left,
    plus the simple interest on the principal still owed since the previous date
    (``start`` for the first).  No dates, no instalments.
    """
    dates = sorted(dates)
    if not dates:
        return ()
    part = round_amount(principal / len(dates))
    owed, previous, instalments = principal, start, []
    for index, when in enumerate(dates):
        repaid = part if index < len(dates) - 1 else owed
        days = (when - previous).days
        charge = interest(owed, annual_rate_pct, days, round_amount, year_days)
        instalments.append(Instalment(when, round_amount(repaid + charge), charge))
        owed, previous = round_amount(owed - repaid), when
    return tuple(instalments)
