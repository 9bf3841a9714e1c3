"""Credit arithmetic and policy rules, free of Odoo so that they test in milliseconds.

Amounts are plain floats in the company currency.

Extension points, each a list that an Odoo model method returns and that add-ons
extend with ``super()``:

- an exposure is made of named :class:`Component` amounts; the policy says which of
  them count in the total;
- a :class:`Rule` is a function of a :class:`Check` keyed by its reason code, blocking
  or not; it returns the figures it decided on, or ``None`` when it does not fire;
- a :class:`Block` stops a customer's new orders for one origin (manual, dunning,
  insurer, score...) without touching the blocks of the other origins.

Every rule that fires yields a :class:`Reason` (code, blocking, figures); the Odoo
layer turns it into a message in the reader's language when it is shown.
"""

from dataclasses import dataclass, field, replace
from datetime import date

RECEIVABLE = "receivable"
OVERDUE = "overdue"
DRAFT_INVOICES = "draft_invoices"
ORDERS_TO_INVOICE = "orders_to_invoice"
ORDERS_UNTAXED = "orders_untaxed"
GUARANTEES = "guarantees"

BLOCKED = "blocked"
NO_LIMIT = "no_limit"
OVER_LIMIT = "over_limit"
NEAR_LIMIT = "near_limit"
OVERDUE_DAYS = "overdue_days"
OVERDUE_AMOUNT = "overdue_amount"
GROUP_OVER_LIMIT = "group_over_limit"

# The settings of a customer's group of companies in its profile: the group, its
# limit, and what its members owe together (each as its own policy counts it).
GROUP_ID = "credit_group_id"
GROUP_LIMIT = "credit_group_limit"
GROUP_EXPOSURE = "credit_group_exposure"


@dataclass(frozen=True)
class Component:
    """A named part of the exposure.

    ``additive`` parts add up to the total when the policy counts them; the others
    describe a share of them (the overdue part of the receivable, the insured part).
    ``cap`` names a component this one never exceeds once merged.
    """

    code: str
    additive: bool = True
    cap: str | None = None


CORE_COMPONENTS = (
    Component(RECEIVABLE),
    Component(OVERDUE, additive=False, cap=RECEIVABLE),
    Component(DRAFT_INVOICES),
    Component(ORDERS_TO_INVOICE),
    Component(ORDERS_UNTAXED, additive=False),
    Component(GUARANTEES, additive=False),
)


@dataclass(frozen=True)
class Block:
    """A stop on a customer's new orders, for one origin."""

    origin: str
    note: str = ""


@dataclass(frozen=True)
class Exposure:
    """What a customer owes or has ordered, per component, in company currency.

    ``dates`` holds the oldest date of a component where it has one (the oldest
    overdue due date); ``counted`` the additive components that make the total;
    ``profile`` the customer's own credit settings read with them (its limit, its
    temporary limit and end date, its policy), absent where it has none.
    """

    amounts: dict = field(default_factory=dict)
    dates: dict = field(default_factory=dict)
    counted: frozenset = frozenset({RECEIVABLE, DRAFT_INVOICES, ORDERS_TO_INVOICE})
    blocks: tuple = ()
    profile: dict = field(default_factory=dict)

    def __getitem__(self, code):
        return self.amounts.get(code, 0.0)

    @property
    def total(self):
        return sum(self[code] for code in self.counted)

    @property
    def overdue(self):
        return self[OVERDUE]

    def overdue_days(self, today):
        due = self.dates.get(OVERDUE)
        if not self.overdue or not due:
            return 0
        return max((today - due).days, 0)

    def counting(self, codes):
        """The same exposure with ``codes`` as the components that make the total."""
        return replace(self, counted=frozenset(codes))


def merge_rows(rows, components=CORE_COMPONENTS, round_amount=float):
    """Merge per-currency rows into one exposure per customer, in company currency.

    ``rows`` holds ``(component, amount, date, note, rate)`` tuples, amounts rounded
    in their currency and ``rate`` converting them to the company's; a row of a
    component ``block:<origin>`` is a block, its note the block's; a row
    ``profile:<name>`` a setting of the customer, its date that of ``<name>_end``.
    ``round_amount`` rounds what a conversion produced.  Caps apply once everything
    is summed: an unapplied payment lowers the receivable and so, through the cap,
    the overdue part.
    """
    amounts, dates, converted, blocks, profile = {}, {}, set(), [], {}
    for code, amount, when, note, rate in rows:
        kind, _sep, name = code.partition(":")
        if kind == "block":
            blocks.append(Block(name, note or ""))
            continue
        if kind == "profile":
            profile[name] = amount
            if when:
                profile[f"{name}_end"] = when
            continue
        amounts[code] = amounts.get(code, 0.0) + (amount or 0.0) * rate
        if rate != 1:
            converted.add(code)
        if when and (code not in dates or when < dates[code]):
            dates[code] = when
    for code in converted:
        amounts[code] = round_amount(amounts[code])
    for component in components:
        if component.cap and component.code in amounts:
            capped = min(amounts[component.code], amounts.get(component.cap, 0.0))
            amounts[component.code] = max(capped, 0.0)
    dates = {code: when for code, when in dates.items() if amounts.get(code)}
    counted = frozenset(c.code for c in components if c.additive)
    return Exposure(
        amounts, dates, counted, tuple(sorted(blocks, key=_block_key)), profile
    )


def _block_key(block):
    return block.origin


def effective_limit(limit, temporary_limit, temporary_end, today):
    """The permanent limit plus the temporary one until its end day, included."""
    if temporary_limit and temporary_end and temporary_end >= today:
        return limit + temporary_limit
    return limit


def guaranteed_limit(limit, guarantees, settings):
    """The limit with the guarantees in force when the policy counts them: they add
    to the limit, and make the limit of a customer without one whose orders the
    policy holds (a cash customer); a customer with unlimited credit stays so."""
    if not guarantees or not settings.get("guarantees_in_limit"):
        return limit
    if limit <= 0 and settings.get("no_limit_action") != "hold":
        return limit
    return limit + guarantees


def available(limit, exposure_total):
    return limit - exposure_total


def utilisation_pct(limit, exposure_total):
    """Share of the limit in use, in percent; ``0`` without a limit or an exposure."""
    if limit <= 0:
        return 0.0
    return exposure_total / limit * 100.0


def compare_floats(first, second):
    """``-1``, ``0`` or ``1``; the Odoo layer passes its currency's rounded compare."""
    return (first > second) - (first < second)


@dataclass(frozen=True)
class Check:
    """Everything a rule may look at to judge an order of ``order_amount``.

    ``order`` holds what add-ons tell of the order itself (its untaxed amount, its
    payment terms...), in company currency.
    """

    exposure: Exposure
    limit: float
    order_amount: float
    today: date
    settings: dict = field(default_factory=dict)
    compare: object = compare_floats
    order: dict = field(default_factory=dict)

    @property
    def projected(self):
        return self.exposure.total + self.order_amount

    @property
    def figures(self):
        return {
            "limit": self.limit,
            "exposure": self.exposure.total,
            "order_amount": self.order_amount,
            "projected": self.projected,
            "overdue": self.exposure.overdue,
        }


@dataclass(frozen=True)
class Rule:
    """A reason code, whether it blocks, and the function that decides it."""

    code: str
    test: object
    blocking: bool = True


@dataclass(frozen=True)
class Reason:
    code: str
    blocking: bool = True
    values: dict = field(default_factory=dict)


def blocked(check):
    if check.exposure.blocks:
        blocks = [{"origin": b.origin, "note": b.note} for b in check.exposure.blocks]
        return dict(check.figures, blocks=blocks)
    return None


def no_limit(check):
    if check.limit <= 0 and check.settings.get("no_limit_action") == "hold":
        return check.figures
    return None


def _ceiling(check):
    return check.limit * (1 + check.settings.get("tolerance_pct", 0.0) / 100.0)


def over_limit(check):
    if check.limit > 0 and check.compare(check.projected, _ceiling(check)) > 0:
        return dict(
            check.figures, ceiling=_ceiling(check), excess=check.projected - check.limit
        )
    return None


def group_over_limit(check):
    """The customer's group of companies would owe more than the group's limit."""
    profile = check.exposure.profile
    limit = profile.get(GROUP_LIMIT) or 0.0
    if limit <= 0:
        return None
    projected = profile.get(GROUP_EXPOSURE, 0.0) + check.order_amount
    ceiling = limit * (1 + check.settings.get("tolerance_pct", 0.0) / 100.0)
    if check.compare(projected, ceiling) > 0:
        return dict(
            check.figures,
            group_id=int(profile[GROUP_ID]),
            group_limit=limit,
            group_exposure=profile.get(GROUP_EXPOSURE, 0.0),
            group_projected=projected,
            group_excess=projected - limit,
        )
    return None


def group_totals(exposures):
    """Per group id, what the members among ``exposures`` (customer -> exposure
    counted as its policy counts it) owe together."""
    totals = {}
    for exposure in exposures:
        group_id = exposure.profile.get(GROUP_ID)
        if group_id:
            totals[group_id] = totals.get(group_id, 0.0) + exposure.total
    return totals


def near_limit(check):
    warning = check.settings.get("warning_pct")
    if not warning or check.limit <= 0 or over_limit(check):
        return None
    utilisation = utilisation_pct(check.limit, check.projected)
    if utilisation >= warning:
        return dict(check.figures, utilisation=utilisation)
    return None


def overdue_days(check):
    allowed = check.settings.get("overdue_days")
    days = check.exposure.overdue_days(check.today)
    if allowed and days > allowed:
        return dict(check.figures, days=days, max_days=allowed)
    return None


def overdue_amount(check):
    allowed = check.settings.get("overdue_amount")
    if allowed and check.compare(check.exposure.overdue, allowed) > 0:
        return dict(check.figures, max_overdue=allowed)
    return None


CORE_RULES = (
    Rule(BLOCKED, blocked),
    Rule(NO_LIMIT, no_limit),
    Rule(OVER_LIMIT, over_limit),
    Rule(GROUP_OVER_LIMIT, group_over_limit),
    Rule(OVERDUE_DAYS, overdue_days),
    Rule(OVERDUE_AMOUNT, overdue_amount),
    Rule(NEAR_LIMIT, near_limit, blocking=False),
)


def evaluate(rules, check, disabled=()):
    """The reasons ``rules`` find against the order of ``check``, blocking first."""
    reasons = []
    for rule in rules:
        if rule.code in disabled:
            continue
        values = rule.test(check)
        if values is not None:
            reasons.append(Reason(rule.code, rule.blocking, values))
    return sorted(reasons, key=_blocking_first)


def _blocking_first(reason):
    return not reason.blocking
