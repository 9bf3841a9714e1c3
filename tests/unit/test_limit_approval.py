import pytest


def table(cases):
    """``parametrize`` arguments from a dict of cases keyed by their id."""
    return {"argvalues": list(cases.values()), "ids": list(cases)}


AMOUNT = {
    "permanent-is-the-new-limit": ("permanent", 5000.0, 1000.0, 5000.0),
    "permanent-lower-than-now": ("permanent", 200.0, 1000.0, 200.0),
    "temporary-on-top-of-the-limit": ("temporary", 500.0, 1000.0, 1500.0),
    "temporary-without-limit": ("temporary", 500.0, 0.0, 500.0),
}


@pytest.mark.parametrize(("kind", "amount", "current", "expected"), **table(AMOUNT))
def test_approval_amount(limit_approval, kind, amount, current, expected):
    assert limit_approval.approval_amount(kind, amount, current) == expected


def levels(la):
    """Given out of order: a manager from 10 000, a controller from 0, a director
    from 100 000 approving before the manager, a second controller level."""
    return [
        la.Level("manager", 20, 10000.0),
        la.Level("controller", 10, 0.0),
        la.Level("director", 15, 100000.0),
        la.Level("controller-2", 10, 0.0),
    ]


ROUTE = {
    "small": (5000.0, ["controller", "controller-2"]),
    "at-the-minimum": (10000.0, ["controller", "controller-2", "manager"]),
    "float-noise-counts": (9999.999999, ["controller", "controller-2", "manager"]),
    "a-cent-below": (9999.99, ["controller", "controller-2"]),
    "large-in-sequence-order": (
        250000.0,
        ["controller", "controller-2", "director", "manager"],
    ),
    "zero": (0.0, ["controller", "controller-2"]),
}


@pytest.mark.parametrize(("amount", "expected"), **table(ROUTE))
def test_levels_to_approve(limit_approval, amount, expected):
    la = limit_approval
    assert la.levels_to_approve(amount, levels(la), 0.01) == expected


def test_no_level_applies(limit_approval):
    la = limit_approval
    assert la.levels_to_approve(50.0, [la.Level("big", 1, 1000.0)], 0.01) == []
    assert la.levels_to_approve(50.0, [], 0.01) == []


def test_same_sequence_lower_minimum_first(limit_approval):
    la = limit_approval
    given = [la.Level("high", 5, 100.0), la.Level("low", 5, 10.0)]
    assert la.levels_to_approve(500.0, given, 0.01) == ["low", "high"]
