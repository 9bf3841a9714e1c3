import pytest


def table(cases):
    """``parametrize`` arguments from a dict of cases keyed by their id."""
    return {"argvalues": list(cases.values()), "ids": list(cases)}


def factor(s, code, weight, *bands, neutral=None):
    return s.Factor(code, weight, tuple(s.Band(*band) for band in bands), neutral)


def scorecard(s):
    """Days late (40, bands unordered), years of trading (30), debt (30, neutral 10)."""
    return [
        factor(s, "late", 40, (30, None, 0), (None, 5, 40), (5, 15, 30), (15, 30, 10)),
        factor(s, "years", 30, (0, 2, 5), (2, 10, 20), (10, None, 30)),
        factor(
            s, "debt", 30, (None, 0.5, 30), (0.5, 0.8, 15), (0.8, None, 0), neutral=10
        ),
    ]


def grades(s):
    return [s.Grade("C", 40), s.Grade("A", 80), s.Grade("D", 0), s.Grade("B", 60)]


# Bands

BAND = {
    "low-inclusive": ((10, 20), 10, True),
    "just-below-high": ((10, 20), 19.999, True),
    "high-exclusive": ((10, 20), 20, False),
    "below-low": ((10, 20), 9.99, False),
    "unbounded-low": ((None, 20), -1e12, True),
    "unbounded-high": ((10, None), 1e12, True),
    "unbounded-both": ((None, None), 0, True),
}


@pytest.mark.parametrize(("bounds", "value", "inside"), **table(BAND))
def test_band_contains_low_but_not_high(scoring, bounds, value, inside):
    assert scoring.Band(*bounds, points=5).contains(value) is inside


POINTS = {
    "open-bottom": (3, 40),
    "middle-band": (20, 10),
    "at-a-boundary": (15, 10),
    "open-top": (90, 0),
    "none-is-missing": (None, None),
}


@pytest.mark.parametrize(("value", "points"), **table(POINTS))
def test_factor_points_for(scoring, value, points):
    assert scorecard(scoring)[0].points_for(value) == points


def test_first_band_wins_value_in_no_band_is_missing_points_clipped(scoring):
    s = scoring
    scored = factor(s, "f", 10, (0, 10, 8), (5, 20, 2), (20, 30, 99))
    assert scored.points_for(7) == 8
    assert scored.points_for(-1) is None
    assert scored.points_for(25) == 10
    assert scored.neutral_points == 5
    assert s.Factor("g", 10, neutral=0).neutral_points == 0


# Grades

GRADE = {
    "exactly-at-min": (80, "A"),
    "just-below": (79.9, "B"),
    "top": (100, "A"),
    "lowest-grade": (0, "D"),
    "below-all": (-0.1, None),
}


@pytest.mark.parametrize(("score", "code"), **table(GRADE))
def test_grade_for(scoring, score, code):
    grade = scoring.grade_for(score, grades(scoring))
    assert (grade and grade.code) == code


def test_no_grades_no_grade(scoring):
    assert scoring.grade_for(50, []) is None


# Evaluation

GOOD = {"late": 3, "years": 5, "debt": 0.6}
EVALUATE = {
    "all-present": (GOOD, 75.0, 0.0, False, "B"),
    "absent-feature": ({"years": 5, "debt": 0.6}, 55.0, 40.0, False, "C"),
    "none-feature": (dict(GOOD, late=None), 55.0, 40.0, False, "C"),
    "out-of-band-is-missing": (dict(GOOD, years=-1), 70.0, 30.0, False, "B"),
    "too-much-missing": ({"years": 5}, 50.0, 70.0, True, "C"),
    "all-missing-is-neutral": ({}, 45.0, 100.0, True, "C"),
    "worst": ({"late": 60, "years": 1, "debt": 2.0}, 5.0, 0.0, False, "D"),
}


@pytest.mark.parametrize(
    ("features", "score", "missing_pct", "insufficient", "grade"), **table(EVALUATE)
)
def test_evaluate(scoring, features, score, missing_pct, insufficient, grade):
    result = scoring.evaluate(scorecard(scoring), features, grades(scoring))
    assert result.score == score
    assert result.missing_weight_pct == pytest.approx(missing_pct)
    assert result.insufficient is insufficient
    assert result.grade.code == grade


THRESHOLD = {
    "exactly-60-is-sufficient": (60, 40, False),
    "three-fifths-is-sufficient": (3, 2, False),
    "59.9-is-not": (599, 401, True),
    "one-third-is-not": (1, 2, True),
}


@pytest.mark.parametrize(("present", "absent", "insufficient"), **table(THRESHOLD))
def test_insufficient_below_min_data_pct_only(scoring, present, absent, insufficient):
    s = scoring
    factors = [factor(s, "a", present, (None, None, present)), factor(s, "b", absent)]
    result = s.evaluate(factors, {"a": 1, "b": 1}, [])
    assert result.insufficient is insufficient
    assert s.evaluate(factors, {"a": 1}, [], min_data_pct=30.0).insufficient is False


def test_zero_weight_scores_zero_and_is_insufficient(scoring):
    s = scoring
    for factors in ([], [factor(s, "a", 0, (None, None, 0))]):
        result = s.evaluate(factors, {"a": 1}, grades(s))
        assert (result.score, result.missing_weight_pct) == (0.0, 100.0)
        assert result.insufficient
        assert result.grade.code == "D"


def test_score_is_rounded_to_one_decimal(scoring):
    s = scoring
    factors = [factor(s, "a", 3, (None, None, 1))]
    assert s.evaluate(factors, {"a": 0}, []).score == 33.3


REASONS = {
    "positive-then-tie-on-code": (
        GOOD,
        [("late", 40, 20), ("debt", 15, 5), ("years", 20, 5)],
    ),
    "negative-tie-on-code": (
        {"late": 20, "years": 12, "debt": 0.9},
        [("years", 30, 15), ("debt", 0, -10), ("late", 10, -10)],
    ),
    "missing-has-no-impact": (
        {"late": 3, "debt": None},
        [("late", 40, 20), ("debt", 10, 0), ("years", 15, 0)],
    ),
}


@pytest.mark.parametrize(("features", "expected"), **table(REASONS))
def test_reasons_by_impact_then_code(scoring, features, expected):
    result = scoring.evaluate(scorecard(scoring), features, [])
    assert [(r.code, r.points, r.impact) for r in result.reasons] == expected


def test_missing_reason_keeps_the_value_given(scoring):
    result = scoring.evaluate(scorecard(scoring), {"years": -1}, [])
    years = next(r for r in result.reasons if r.code == "years")
    assert (years.value, years.points, years.missing) == (-1, 15, True)
    assert result.grade is None


# Financial statements

BASE = {
    "revenue": 1000.0,
    "net_profit": 100.0,
    "total_assets": 2000.0,
    "total_liabilities": 1200.0,
    "current_assets": 600.0,
    "current_liabilities": 300.0,
    "equity": 800.0,
    "operating_cash_flow": 240.0,
}
EXPECTED = {
    "debt_ratio": 0.6,
    "current_ratio": 2.0,
    "net_margin": 0.1,
    "return_on_assets": 0.05,
    "ocf_to_liabilities": 0.2,
}
RATIOS = {
    "complete": ({}, {}),
    "zero-assets": (
        {"total_assets": 0.0},
        {"debt_ratio": None, "return_on_assets": None},
    ),
    "zero-current-liabilities": ({"current_liabilities": 0.0}, {"current_ratio": None}),
    "negative-equity": (
        {"total_liabilities": 2400.0, "equity": -400.0},
        {"debt_ratio": 1.2, "ocf_to_liabilities": 0.1},
    ),
    "zero-liabilities": (
        {"total_liabilities": 0.0},
        {"debt_ratio": 0.0, "ocf_to_liabilities": None},
    ),
    "no-revenue": ({"revenue": None}, {"net_margin": None}),
    "no-profit": ({"net_profit": None}, {"net_margin": None, "return_on_assets": None}),
    "no-liabilities-figure": (
        {"total_liabilities": None},
        {"debt_ratio": None, "ocf_to_liabilities": None},
    ),
    "no-cash-flow": ({"operating_cash_flow": None}, {"ocf_to_liabilities": None}),
}


@pytest.mark.parametrize(("changes", "differences"), **table(RATIOS))
def test_ratios(scoring, changes, differences):
    assert scoring.ratios(**dict(BASE, **changes)) == pytest.approx(
        dict(EXPECTED, **differences)
    )


BALANCED = {
    "exact": ((100.0, 60.0, 40.0), True),
    "0.99-pct-short": ((100.0, 60.0, 39.01), True),
    "1-pct": ((100.0, 60.0, 39.0), True),
    "1.01-pct-short": ((100.0, 60.0, 38.99), False),
    "1.01-pct-over": ((100.0, 60.0, 41.01), False),
    "negative-equity": ((1000.0, 1300.0, -300.0), True),
    "all-zero": ((0.0, 0.0, 0.0), True),
    "zero-assets-nets-to-zero": ((0.0, 10.0, -10.0), True),
    "zero-assets-with-liabilities": ((0.0, 5.0, 0.0), False),
    "unknown-figure": ((None, 60.0, 40.0), False),
}


@pytest.mark.parametrize(("figures", "expected"), **table(BALANCED))
def test_balanced_within_one_percent(scoring, figures, expected):
    assert scoring.balanced(*figures) is expected


def test_balance_error(scoring):
    assert scoring.balance_error(200.0, 150.0, 48.0) == pytest.approx(0.01)
    assert scoring.balance_error(-200.0, -150.0, -48.0) == pytest.approx(0.01)
    assert scoring.balance_error(100.0, None, 40.0) is None


# Limit proposals

# cap, equity, equity_pct, revenue, revenue_pct, monthly_sales, sales_months
LIMIT = {
    "cap-smallest": ((1000, 1e5, 10, 1e6, 1, 5e3, 2), 1000),
    "equity-smallest": ((5e4, 2e4, 10, 1e6, 1, 5e3, 2), 2000),
    "revenue-smallest": ((5e4, 1e5, 10, 1e5, 1, 5e3, 2), 1000),
    "sales-smallest": ((5e4, 1e5, 10, 1e6, 1, 400, 2), 800),
    "missing-equity-ignored": ((5000, None, 10), 5000),
    "zero-pct-ignored": ((5000, 100, 0), 5000),
    "negative-equity-floors": ((5000, -2e4, 10), 0),
    "negative-sales-floor": ((None, None, 0, None, 0, -100, 3), 0),
    "no-cap-smallest-term": ((None, 1e4, 50, 1e5, 10), 5000),
    "zero-cap-is-zero": ((0, 1e5, 10), 0),
    "cap-only": ((7500,), 7500),
    "nothing-applies": ((None,), 0),
}


@pytest.mark.parametrize(("arguments", "limit"), **table(LIMIT))
def test_proposed_limit(scoring, arguments, limit):
    result = scoring.proposed_limit(*arguments)
    assert result == pytest.approx(limit)
    assert isinstance(result, float)
