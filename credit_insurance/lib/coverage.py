"""Coverage arithmetic of trade-credit insurance, free of Odoo so that it tests in
milliseconds.

Amounts are plain floats in the company currency.  credit_insurance's part of
credit_control's exposure query brings, per buyer, the components named below and a
few ``profile`` figures (the insurance policy that applies, the state of the cover in
force, its insured percentage, the months of trading); the policy's own terms come as
:class:`Terms`.  :func:`coverage` turns them into what is insured; the rules at the
end judge an order with them, as credit_control's rules do (a function of its
``Check`` returning the figures it decided on, or ``None``).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

# Components added to the exposure; none adds to its total.
INSURABLE = "insurable"
INSURABLE_UNTAXED = "insurable_untaxed"
NOT_DUE = "not_due"
COVER = "insurance_cover"
DISCRETIONARY = "insurance_discretionary"
COMPONENTS = (INSURABLE, INSURABLE_UNTAXED, NOT_DUE, COVER, DISCRETIONARY)

# credit_control's components this module reads.
OVERDUE = "overdue"
ORDERS = "orders_to_invoice"
ORDERS_UNTAXED = "orders_untaxed"

# Profile figures of the buyer, read by the same query.
POLICY_ID = "insurance_policy_id"
STATUS = "insurance_status"
INSURED_PCT = "insurance_pct"
TRADING_MONTHS = "insurance_trading_months"
TERMS_KEY = "insurance_terms"

# States of a cover, in the order the query numbers them (1-based, 0: no cover).
COVER_STATES = (
    "draft",
    "requested",
    "approved",
    "partial",
    "refused",
    "withdrawn",
    "expired",
)
GRANTED = frozenset({"approved", "partial"})
LOST = frozenset({"refused", "withdrawn", "expired"})

# Where the cover of an insured buyer comes from.
INSURER = "insurer"
SELF_ASSESSED = "discretionary"

# Reason codes of the insurance rules.
OVER_COVER = "insurance_over_cover"
NO_COVER = "insurance_no_cover"
STOP_DELIVERY = "insurance_stop_delivery"
TERMS = "insurance_terms"
REASONS = (OVER_COVER, NO_COVER, STOP_DELIVERY, TERMS)


@dataclass(frozen=True)
class Terms:
    """The terms of an insurance policy that judge its buyers.

    ``holds`` holds the reason codes for which the policy holds orders.
    """

    max_credit_days: int = 0
    mep_days: int = 0
    tax_included: bool = False
    discretionary_months: int = 0
    discretionary_overdue_days: int = 0
    holds: frozenset = field(default_factory=lambda: frozenset(REASONS))


@dataclass(frozen=True)
class Coverage:
    """What the insurer covers of a buyer's exposure today."""

    status: str = ""
    source: str = ""
    cover: float = 0.0
    insured_pct: float = 0.0
    insurable: float = 0.0
    covered: float = 0.0
    uninsured: float = 0.0
    stop_delivery: date | None = None

    @property
    def insured(self):
        return bool(self.source)

    @property
    def utilisation(self):
        """Share of the cover the insurable exposure uses, in percent."""
        return self.insurable / self.cover * 100.0 if self.cover > 0 else 0.0


def cover_in_force(decisions, today, expiry=None):
    """``(state, amount)`` of a cover on ``today``, from its decisions.

    ``decisions`` are ``(effective date, state, amount)`` tuples in the order they
    were recorded; of those already effective, the one recorded last is in force: a
    reduction or a withdrawal effective later keeps the previous amount until then,
    and a decision replaces those recorded before it once it takes effect.  Past its
    expiry a cover is expired.  The amount is what the insurer grants: ``0`` unless
    the cover is approved or partly approved.
    """
    if expiry and expiry < today:
        return "expired", 0.0
    effective = [d for d in decisions if d[0] <= today]
    if not effective:
        return "draft", 0.0
    _when, state, amount = effective[-1]
    return state, amount if state in GRANTED else 0.0


def status_of(number):
    """The cover state numbered ``number`` by the query (``""`` for none)."""
    number = int(number or 0)
    return COVER_STATES[number - 1] if 0 < number <= len(COVER_STATES) else ""


def stop_delivery(exposure, terms):
    """Due date of the buyer's oldest unpaid invoice plus the maximum extension
    period: past it, deliveries to the buyer are no longer insured."""
    oldest = (
        exposure.dates.get(OVERDUE) if exposure.overdue else exposure.dates.get(NOT_DUE)
    )
    return oldest + timedelta(days=terms.mep_days) if oldest else None


def discretionary_applies(exposure, terms, today):
    """Whether the policy's self-assessed limit covers a buyer the insurer has not
    decided on: traded with long enough, nothing overdue for too long."""
    if not exposure[DISCRETIONARY]:
        return False
    months = exposure.profile.get(TRADING_MONTHS) or 0
    if months < terms.discretionary_months:
        return False
    allowed = terms.discretionary_overdue_days
    return not (allowed and exposure.overdue_days(today) > allowed)


def insurable(exposure, terms, order_amount=0.0):
    """Open invoices within the maximum credit terms and not disputed, plus orders
    confirmed and not invoiced, plus ``order_amount``; with or without tax."""
    if terms.tax_included:
        amount = exposure[INSURABLE] + exposure[ORDERS]
    else:
        amount = exposure[INSURABLE_UNTAXED] + exposure[ORDERS_UNTAXED]
    return max(amount, 0.0) + order_amount


def coverage(exposure, terms, today, order_amount=0.0, total=None):
    """The coverage of a buyer, ``order_amount`` (with or without tax as the terms
    say) included; ``total`` is the exposure the uninsured part is taken from (the
    exposure's total by default)."""
    status = status_of(exposure.profile.get(STATUS))
    cover, source = 0.0, ""
    if status in GRANTED:
        cover, source = exposure[COVER], INSURER
    elif status not in LOST and discretionary_applies(exposure, terms, today):
        cover, source = exposure[DISCRETIONARY], SELF_ASSESSED
    pct = exposure.profile.get(INSURED_PCT) or 0.0
    amount = insurable(exposure, terms, order_amount)
    covered = min(amount, cover) * pct / 100.0 if source else 0.0
    total = exposure.total if total is None else total
    return Coverage(
        status=status,
        source=source,
        cover=cover,
        insured_pct=pct,
        insurable=amount,
        covered=covered,
        uninsured=max(total - covered, 0.0),
        stop_delivery=stop_delivery(exposure, terms),
    )


# Rules: functions of credit_control's Check.  ``check.order`` brings the order's
# untaxed amount (``amount_untaxed``) and the days of its payment terms
# (``payment_days``); the exposure's profile the policy's terms.


def _terms(check, code):
    terms = check.exposure.profile.get(TERMS_KEY)
    return terms if terms and code in terms.holds else None


def _order_amount(check, terms):
    if terms.tax_included:
        return check.order_amount
    return check.order.get("amount_untaxed", check.order_amount)


def over_cover(check):
    """The insurable exposure with this order goes beyond the cover in force (the
    insurer's, or the policy's discretionary limit); a buyer without cover is not
    insured, which the banner says, and not held for it."""
    terms = _terms(check, OVER_COVER)
    if not terms or not check.order_amount:
        return None
    found = coverage(check.exposure, terms, check.today, _order_amount(check, terms))
    if found.source and check.compare(found.insurable, found.cover) > 0:
        return {
            "insurable": found.insurable,
            "cover": found.cover,
            "excess": found.insurable - found.cover,
            "source": found.source,
        }
    return None


def no_cover(check):
    """The insurer refused or withdrew the buyer's cover, or it expired."""
    terms = _terms(check, NO_COVER)
    status = status_of(check.exposure.profile.get(STATUS))
    if terms and status in LOST:
        return {"status": status}
    return None


def stop_delivery_passed(check):
    """The oldest unpaid invoice is past its maximum extension period."""
    terms = _terms(check, STOP_DELIVERY)
    if not terms:
        return None
    stop = stop_delivery(check.exposure, terms)
    if stop and stop < check.today:
        return {"stop_delivery": stop.isoformat(), "mep_days": terms.mep_days}
    return None


def terms_too_long(check):
    """The order's payment terms go beyond the policy's maximum credit terms."""
    terms = _terms(check, TERMS)
    days = check.order.get("payment_days")
    if terms and terms.max_credit_days and days and days > terms.max_credit_days:
        return {"payment_days": days, "max_credit_days": terms.max_credit_days}
    return None


RULES = (
    (OVER_COVER, over_cover),
    (NO_COVER, no_cover),
    (STOP_DELIVERY, stop_delivery_passed),
    (TERMS, terms_too_long),
)


# Claims


def claim_amount(outstanding, cover, insured_pct):
    """What the insurer owes on a loss: its share of the outstanding amount, no
    more than the cover."""
    return min(max(outstanding, 0.0), max(cover, 0.0)) * insured_pct / 100.0


def insurer_share(recovered, insured_pct):
    """The insurer's part of an amount recovered after the indemnity."""
    return recovered * insured_pct / 100.0
