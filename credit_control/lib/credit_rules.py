"""Credit arithmetic and policy rules, free of Odoo so that they test in milliseconds.

Amounts are plain floats in the company currency.  Every rule that fires yields a
:class:`Reason` with a stable code and the figures it was decided on; the Odoo layer
turns the code into a translated message.
"""

from dataclasses import dataclass, field
from datetime import date

OVER_LIMIT = "over_limit"
OVERDUE_DAYS = "overdue_days"
OVERDUE_AMOUNT = "overdue_amount"
NO_LIMIT = "no_limit"
MANUAL_HOLD = "manual_hold"
NEAR_LIMIT = "near_limit"

BLOCKING_CODES = (MANUAL_HOLD, NO_LIMIT, OVER_LIMIT, OVERDUE_DAYS, OVERDUE_AMOUNT)


@dataclass(frozen=True)
class Exposure:
    """What a customer owes or has ordered, in company currency."""

    receivable: float = 0.0
    overdue: float = 0.0
    oldest_due_date: date | None = None
    draft_invoices: float = 0.0
    orders_to_invoice: float = 0.0

    @property
    def total(self):
        return self.receivable + self.draft_invoices + self.orders_to_invoice

    def overdue_days(self, today):
        if not self.overdue or not self.oldest_due_date:
            return 0
        return max((today - self.oldest_due_date).days, 0)


@dataclass(frozen=True)
class Policy:
    """The knobs of a credit policy; zero disables a threshold."""

    tolerance_pct: float = 0.0
    overdue_days: int = 0
    overdue_amount: float = 0.0
    no_limit_action: str = "unlimited"  # or "hold": cash customers
    warning_pct: float = 0.0


@dataclass(frozen=True)
class Reason:
    code: str
    values: dict = field(default_factory=dict)

    @property
    def blocking(self):
        return self.code in BLOCKING_CODES


def merge_currency_rows(rows, round_amount=float):
    """Sum per-currency rows into one exposure, capping overdue by the net receivable.

    ``rows`` holds ``(receivable, overdue, oldest_due_date, draft, orders, rate)``
    tuples, amounts rounded in their currency and ``rate`` converting them to the
    company's; ``round_amount`` rounds what a conversion produced.  An unreconciled
    payment lowers the receivable and so, through the cap, the overdue part.
    """
    receivable = overdue = draft = orders = 0.0
    oldest = None
    converted = False
    for rec, ovd, due, drf, sol, rate in rows:
        receivable += (rec or 0.0) * rate
        overdue += (ovd or 0.0) * rate
        draft += (drf or 0.0) * rate
        orders += (sol or 0.0) * rate
        converted = converted or rate != 1
        if due and (oldest is None or due < oldest):
            oldest = due
    if converted:
        receivable, overdue, draft, orders = map(
            round_amount, (receivable, overdue, draft, orders)
        )
    overdue = max(min(overdue, receivable), 0.0)
    return Exposure(receivable, overdue, oldest if overdue else None, draft, orders)


def effective_limit(limit, temporary_limit, temporary_end, today):
    """The permanent limit plus the temporary one until its end day, included."""
    if temporary_limit and temporary_end and temporary_end >= today:
        return limit + temporary_limit
    return limit


def available(limit, exposure_total):
    return limit - exposure_total


def utilisation_pct(limit, exposure_total):
    """Share of the limit in use, in percent; ``0`` without a limit or an exposure."""
    if limit <= 0:
        return 0.0
    return exposure_total / limit * 100.0


def evaluate(policy, exposure, limit, order_amount, today, manual_hold=False):
    """Why a new order of ``order_amount`` should be held or warned about."""
    reasons = []
    projected = exposure.total + order_amount
    figures = {
        "limit": limit,
        "exposure": exposure.total,
        "order_amount": order_amount,
        "projected": projected,
        "overdue": exposure.overdue,
    }
    if manual_hold:
        reasons.append(Reason(MANUAL_HOLD, figures))
    if limit <= 0:
        if policy.no_limit_action == "hold":
            reasons.append(Reason(NO_LIMIT, figures))
    else:
        ceiling = limit * (1 + policy.tolerance_pct / 100.0)
        if projected > ceiling:
            reasons.append(
                Reason(
                    OVER_LIMIT, dict(figures, ceiling=ceiling, excess=projected - limit)
                )
            )
        elif (
            policy.warning_pct
            and utilisation_pct(limit, projected) >= policy.warning_pct
        ):
            reasons.append(
                Reason(
                    NEAR_LIMIT,
                    dict(figures, utilisation=utilisation_pct(limit, projected)),
                )
            )
    days = exposure.overdue_days(today)
    if policy.overdue_days and days > policy.overdue_days:
        reasons.append(
            Reason(OVERDUE_DAYS, dict(figures, days=days, max_days=policy.overdue_days))
        )
    if policy.overdue_amount and exposure.overdue > policy.overdue_amount:
        reasons.append(
            Reason(OVERDUE_AMOUNT, dict(figures, max_overdue=policy.overdue_amount))
        )
    return reasons
