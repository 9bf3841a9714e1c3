"""Receivable ageing and days sales outstanding, free of Odoo.

Ageing buckets are given by their limits in days past due, ``(30, 60, 90, 180)``
by default: an amount is *not due* up to its due date included, then falls in
``1-30``, ``31-60``, ``61-90``, ``91-180`` and finally *over 180* days.  Amounts
are plain floats in one currency; ``round_amount`` rounds the sums.
"""

from bisect import bisect_left
from datetime import timedelta

DEFAULT_BUCKETS = (30, 60, 90, 180)

BUCKETS_ERROR = (
    "Ageing buckets must be whole numbers of days above 0, each one higher than "
    "the one before, for instance 30, 60, 90, 180."
)
PERIOD_ERROR = "The end of the period cannot be before its start."


def validate_buckets(boundaries):
    """``boundaries`` as a tuple of ints; ``ValueError`` unless strictly increasing
    whole numbers of days above ``0``, at least one.
    """
    limits = tuple(boundaries)
    whole = all(
        isinstance(limit, int) and not isinstance(limit, bool) for limit in limits
    )
    if not limits or not whole or limits[0] <= 0:
        raise ValueError(BUCKETS_ERROR)
    if any(low >= high for low, high in zip(limits, limits[1:], strict=False)):
        raise ValueError(BUCKETS_ERROR)
    return limits


def parse_buckets(text):
    """The bucket limits written as ``"30, 60, 90, 180"``, validated."""
    try:
        limits = tuple(int(part) for part in text.replace(";", ",").split(","))
    except ValueError:
        raise ValueError(BUCKETS_ERROR) from None
    return validate_buckets(limits)


def bucket_ranges(boundaries=DEFAULT_BUCKETS):
    """``(first, last)`` days past due of each bucket, ``None`` where open.

    The first bucket, not due, is ``(None, 0)``; the last, ``(last limit + 1, None)``.
    """
    lows = (1,) + tuple(limit + 1 for limit in boundaries)
    return ((None, 0),) + tuple(zip(lows, tuple(boundaries) + (None,), strict=True))


def bucket_labels(boundaries, not_due, over):
    """A label per bucket: ``not_due``, ``"1-30"``..., then ``over % last limit``.

    The Odoo layer passes ``not_due`` and ``over`` (such as ``"Over %s"``) in the
    reader's language.
    """
    labels = [not_due]
    for low, high in bucket_ranges(boundaries)[1:-1]:
        labels.append(f"{low}-{high}")
    labels.append(over % boundaries[-1])
    return tuple(labels)


def bucket_of(due_date, as_of, boundaries=DEFAULT_BUCKETS):
    """Index of the bucket of an amount due on ``due_date``, as of ``as_of``.

    ``0`` up to the due date included, then ``1`` for 1 to the first limit days
    past due, and so on; ``len(boundaries) + 1`` above the last limit.
    """
    days = (as_of - due_date).days
    if days <= 0:
        return 0
    return 1 + bisect_left(boundaries, days)


def bucket_first_due_dates(as_of, boundaries=DEFAULT_BUCKETS):
    """The earliest due date of each bucket but the last, as of ``as_of``: an amount
    due on ``due_date`` falls in the first bucket whose date is not after it, in the
    last when none; as :func:`bucket_of` says, and computed once for all amounts.
    """
    return (as_of,) + tuple(as_of - timedelta(days=limit) for limit in boundaries)


def age_rows(rows, as_of, boundaries=DEFAULT_BUCKETS, round_amount=float):
    """Totals per bucket of the ``(due_date, amount)`` rows, as of ``as_of``.

    The rows are what was open on ``as_of``; negative amounts (credit notes,
    unapplied payments) count in the bucket of their date like the others.
    """
    limits = validate_buckets(boundaries)
    totals = [0.0] * (len(limits) + 2)
    for due_date, amount in rows:
        totals[bucket_of(due_date, as_of, limits)] += amount
    return tuple(round_amount(total) for total in totals)


def period_days(date_from, date_to):
    """Days in the period, both ends included."""
    if date_to < date_from:
        raise ValueError(PERIOD_ERROR)
    return (date_to - date_from).days + 1


def dso(receivable_end, sales_in_period, days_in_period):
    """Days sales outstanding: receivable at the period's end / sales x days.

    ``None`` without sales in the period; a receivable in credit counts as ``0``.
    The same formula serves one customer or the whole company.
    """
    if sales_in_period <= 0:
        return None
    return max(receivable_end, 0.0) / sales_in_period * days_in_period
