from datetime import date

import pytest

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("utilisation", "warning_pct", "expected"),
    [
        (0.0, 80.0, None),
        (79.9, 80.0, None),
        (80.0, 80.0, "warning"),
        (99.9, 80.0, "warning"),
        (100.0, 80.0, "over"),
        (250.0, 80.0, "over"),
        # no warning percentage: only over the limit
        (95.0, 0.0, None),
        (100.0, 0.0, "over"),
        (100.0, None, "over"),
    ],
)
def test_utilisation_level(alerts, utilisation, warning_pct, expected):
    assert alerts.utilisation_level(utilisation, warning_pct) == expected


@pytest.mark.parametrize(
    ("end", "days", "expected"),
    [
        (date(2026, 3, 10), 0, True),
        (date(2026, 3, 24), 14, True),
        (date(2026, 3, 25), 14, False),
        (date(2026, 3, 9), 14, False),
        (None, 14, False),
    ],
)
def test_ends_within(alerts, end, days, expected):
    assert alerts.ends_within(end, TODAY, days) is expected


def event(partner_id, key):
    return {"partner_id": partner_id, "event_key": key}


@pytest.mark.parametrize(
    ("found", "known", "open_episodes", "episodic", "raised", "closed"),
    [
        # a new event is raised, a known one is not
        ([("a", event(1, "k1"))], set(), {}, set(), [("a", "k1")], []),
        ([("a", event(1, "k1"))], {("a", "k1")}, {}, set(), [], []),
        # the same key of another rule is another event
        ([("b", event(1, "k1"))], {("a", "k1")}, {}, set(), [("b", "k1")], []),
        # one alert per key, even when found twice
        (
            [("a", event(1, "k1")), ("a", event(2, "k1"))],
            set(),
            {},
            set(),
            [("a", "k1")],
            [],
        ),
        # an episodic rule: nothing while the customer's alert is open...
        ([("e", event(1, "day2"))], set(), {("e", 1): 7}, {"e"}, [], []),
        # ...which closes once the customer has no event any more
        ([("e", event(2, "day2"))], set(), {("e", 1): 7}, {"e"}, [("e", "day2")], [7]),
        # one alert per customer and episode
        (
            [("e", event(1, "x")), ("e", event(1, "y"))],
            set(),
            {},
            {"e"},
            [("e", "x")],
            [],
        ),
        # a resolved episode whose event goes on raises nothing again
        ([("e", event(1, "day1"))], {("e", "day1")}, {}, {"e"}, [], []),
    ],
)
def test_sort_out(alerts, found, known, open_episodes, episodic, raised, closed):
    to_raise, to_close = alerts.sort_out(found, known, open_episodes, episodic)
    assert [(code, e["event_key"]) for code, e in to_raise] == raised
    assert to_close == closed


def test_most_severe_first(alerts):
    ordered = sorted(["info", "critical", "warning", "other"], key=alerts.by_severity)
    assert ordered == ["critical", "warning", "info", "other"]
