"""Routing of credit limit requests to approval levels, free of Odoo.

Amounts are plain floats in the company currency, already rounded to it.
"""

from dataclasses import dataclass

PERMANENT = "permanent"
TEMPORARY = "temporary"


@dataclass(frozen=True)
class Level:
    """An approval level: needed when the amount reaches ``minimum``."""

    key: object
    sequence: int
    minimum: float


def approval_amount(kind, amount, current_limit):
    """The amount a request is approved for: the new limit of a permanent request;
    for a temporary one, the limit it brings the customer to, its current
    (permanent) limit plus the temporary amount."""
    if kind == TEMPORARY:
        return current_limit + amount
    return amount


def levels_to_approve(amount, levels, rounding):
    """The keys of the ``levels`` whose minimum is at most ``amount`` (equal within
    half the currency's ``rounding``), in the order they approve: by sequence, then
    minimum, then as given."""
    needed = [
        (level.sequence, level.minimum, index, level.key)
        for index, level in enumerate(levels)
        if level.minimum <= amount + rounding / 2
    ]
    return [key for *_order, key in sorted(needed, key=lambda item: item[:3])]
