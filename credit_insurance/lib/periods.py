"""Declaration periods and deadlines of an insurance policy, free of Odoo."""

from datetime import date, timedelta

MONTHS = {"monthly": 1, "quarterly": 3}


def period_of(day, frequency):
    """``(first day, last day)`` of the ``frequency`` period holding ``day``."""
    months = MONTHS[frequency]
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    return start, _next_start(start, months) - timedelta(days=1)


def previous_period(day, frequency):
    """The last period that ended before ``day``."""
    start, _end = period_of(day, frequency)
    return period_of(start - timedelta(days=1), frequency)


def _next_start(start, months):
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def period_name(start, frequency):
    """``2026-10`` for a month, ``2026-Q4`` for a quarter."""
    if frequency == "quarterly":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def deadline(end, days):
    """The day a declaration of a period ending on ``end`` is due."""
    return end + timedelta(days=days)


def premium(basis, rate_pct):
    """The premium on ``basis`` at ``rate_pct`` percent."""
    return basis * rate_pct / 100.0
