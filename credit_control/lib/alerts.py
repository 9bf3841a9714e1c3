"""Early-warning alerts, free of Odoo: the rules' definitions and settings, and
what an evaluation raises and closes.

An event is a dict with at least ``partner_id`` and ``event_key``; a rule raises an
alert once per event key.  Amounts are floats in the company currency.
"""

from dataclasses import dataclass, field
from datetime import timedelta

INFO = "info"
WARNING = "warning"
CRITICAL = "critical"
SEVERITIES = (INFO, WARNING, CRITICAL)

# The thresholds a rule may read from its settings.
AMOUNT = "amount"
PCT = "pct"
DAYS = "days"

# The levels of a customer's utilisation of its limit.
NEAR_LIMIT = "warning"
OVER_LIMIT = "over"
FULL_PCT = 100.0


@dataclass(frozen=True)
class AlertRule:
    """A rule of the early warnings.

    ``code`` names the method finding its events, ``_credit_alert_<code>``; the
    thresholds ``uses`` (of ``AMOUNT``, ``PCT``, ``DAYS``) and their defaults are
    what each company may change.  An ``episodic`` rule raises one alert per
    customer while its condition lasts: no other while that alert is open, and the
    alert resolves itself once the condition ends.
    """

    code: str
    label: str
    description: str = ""
    severity: str = WARNING
    amount: float = 0.0
    pct: float = 0.0
    days: int = 0
    uses: frozenset = frozenset()
    episodic: bool = False
    sequence: int = 10


@dataclass(frozen=True)
class RuleSettings:
    """A rule's settings in a company, as an evaluation reads them; ``shared``
    keeps what several rules of one evaluation compute once."""

    severity: str
    amount: float = 0.0
    pct: float = 0.0
    days: int = 0
    shared: dict = field(default_factory=dict)


def utilisation_level(utilisation, warning_pct):
    """``OVER_LIMIT`` from 100 % of the limit, ``NEAR_LIMIT`` from ``warning_pct``
    (none when 0) up to it, else ``None``."""
    if utilisation >= FULL_PCT:
        return OVER_LIMIT
    if warning_pct and utilisation >= warning_pct:
        return NEAR_LIMIT
    return None


def ends_within(end, today, days):
    """Whether ``end`` falls from ``today`` to ``days`` days later, both included."""
    return bool(end) and today <= end <= today + timedelta(days=days)


def sort_out(found, known, open_episodes, episodic):
    """The alerts to raise and to close after the rules found ``found``.

    ``found`` holds ``(code, event)`` pairs; ``known`` the ``(code, event_key)``
    pairs already raised; ``open_episodes`` maps ``(code, partner_id)`` to the open
    alert of an ``episodic`` rule evaluated.  Returns the ``(code, event)`` pairs
    to raise, each event key once, and the open alerts whose condition ended.
    """
    to_raise, seen, ongoing = [], set(), set()
    for code, event in found:
        key = (code, event["event_key"])
        if code in episodic:
            episode = (code, event["partner_id"])
            if episode in ongoing:
                continue
            ongoing.add(episode)
            if episode in open_episodes:
                continue
        if key in known or key in seen:
            continue
        seen.add(key)
        to_raise.append((code, event))
    to_close = [
        alert for episode, alert in open_episodes.items() if episode not in ongoing
    ]
    return to_raise, to_close


def by_severity(severity):
    """A sort key putting the most severe first."""
    return -SEVERITIES.index(severity) if severity in SEVERITIES else 1
