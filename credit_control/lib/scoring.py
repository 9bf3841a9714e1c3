"""Explainable credit scoring, free of Odoo so that it tests in milliseconds.

A scorecard is versioned data in Odoo: :class:`Factor` records with a weight (the
most points they can give) and point :class:`Band` records, and :class:`Grade`
records by score band.  This module only evaluates it: every factor turns one
feature of the customer (days late on average, years of trading, debt ratio...)
into points, and the score is the share of the possible points earned, 0-100.

Every factor yields a :class:`Reason` with its points and its impact against the
factor's neutral points, so that the Odoo layer can say in the reader's language
"pays 23 days late on average: -12 points".  A missing feature never gives a wrong
score: it gets the neutral points, and when too little of the weight rests on
data the evaluation says so (``insufficient``) instead of pretending.

The module also holds the financial statement ratios that feed some factors and
the limit proposal of a grade; :mod:`backtest` judges the scores afterwards.
"""

from dataclasses import dataclass

# Below this, an amount counts as zero when it divides.
TINY = 1e-9
# Shares are compared at this many decimals, so that 3/5 of the weight is 60 %.
DIGITS = 6


@dataclass(frozen=True)
class Band:
    """Values in ``[low, high)`` get ``points``; ``None`` leaves a side unbounded."""

    low: float | None
    high: float | None
    points: float

    def contains(self, value):
        above_low = self.low is None or value >= self.low
        below_high = self.high is None or value < self.high
        return above_low and below_high


@dataclass(frozen=True)
class Factor:
    """One scored feature: ``weight`` is the most points it can give.

    ``bands`` may come in any order; the first one containing the value wins.
    ``neutral`` is what a missing value gets, half the weight unless set.
    """

    code: str
    weight: float
    bands: tuple = ()
    neutral: float | None = None

    @property
    def neutral_points(self):
        return self.weight / 2.0 if self.neutral is None else self.neutral

    def points_for(self, value):
        """The points of ``value``, or ``None`` when it is missing or in no band.

        Points are kept within ``0..weight`` so that a misconfigured band cannot
        push the score out of 0-100.
        """
        if value is None:
            return None
        for band in self.bands:
            if band.contains(value):
                return min(max(band.points, 0.0), self.weight)
        return None


@dataclass(frozen=True)
class Grade:
    code: str
    min_score: float


def grade_for(score, grades):
    """The grade with the highest ``min_score`` not above ``score``, else ``None``."""
    reached = [grade for grade in grades if grade.min_score <= score]
    if not reached:
        return None
    return max(reached, key=_min_score)


def _min_score(grade):
    return grade.min_score


@dataclass(frozen=True)
class Reason:
    """What one factor gave: ``impact`` is ``points - neutral``, negative lowers.

    ``missing`` is set when the value was absent or fell in no band; ``value`` is
    kept as given so that the reader sees which one it was.
    """

    code: str
    value: object
    points: float
    impact: float
    missing: bool = False


@dataclass(frozen=True)
class Evaluation:
    """A score 0-100, its :class:`Grade` (or ``None``) and the reasons behind it.

    ``insufficient`` says too little of the weight rests on data; the grade is
    given anyway and the Odoo layer decides what to do with it.
    """

    score: float
    grade: Grade | None
    reasons: tuple
    insufficient: bool
    missing_weight_pct: float


def reason_for(factor, value):
    points = factor.points_for(value)
    if points is None:
        neutral = factor.neutral_points
        return Reason(factor.code, value, neutral, 0.0, missing=True)
    return Reason(factor.code, value, points, points - factor.neutral_points)


def _by_impact(reason):
    return (-abs(reason.impact), reason.code)


def _pct(part, whole):
    return 100.0 * part / whole


def evaluate(factors, features, grades, min_data_pct=60.0):
    """Score ``features`` (code to value, ``None`` or absent when unknown).

    The score is the share of the total weight earned, rounded to one decimal,
    ``0`` without any weight.  Evaluation is ``insufficient`` when the weight of
    the factors with data is under ``min_data_pct`` percent of the total, or when
    there is no weight at all.  Reasons come by decreasing impact, then code.
    """
    reasons = [reason_for(f, features.get(f.code)) for f in factors]
    total = sum(f.weight for f in factors)
    missing = sum(f.weight for f, r in zip(factors, reasons, strict=True) if r.missing)
    if total > 0:
        score = round(_pct(sum(r.points for r in reasons), total), 1)
        missing_pct = _pct(missing, total)
    else:
        score, missing_pct = 0.0, 100.0
    data_pct = round(100.0 - missing_pct, DIGITS)
    return Evaluation(
        score=score,
        grade=grade_for(score, grades),
        reasons=tuple(sorted(reasons, key=_by_impact)),
        insufficient=total <= 0 or data_pct < min_data_pct,
        missing_weight_pct=missing_pct,
    )


# Financial statements


def _ratio(numerator, denominator):
    """``numerator / denominator``; ``None`` when either is unknown or it is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def ratios(
    revenue,
    net_profit,
    total_assets,
    total_liabilities,
    current_assets,
    current_liabilities,
    equity,
    operating_cash_flow,
):
    """The ratios of one financial statement that scorecards use as features.

    Each is ``None`` when a figure it needs is unknown or its denominator is 0, so
    that the factor counts it as missing.  ``equity`` is taken with the rest of
    the statement but no ratio here needs it; :func:`balanced` checks it.
    """
    return {
        "debt_ratio": _ratio(total_liabilities, total_assets),
        "current_ratio": _ratio(current_assets, current_liabilities),
        "net_margin": _ratio(net_profit, revenue),
        "return_on_assets": _ratio(net_profit, total_assets),
        "ocf_to_liabilities": _ratio(operating_cash_flow, total_liabilities),
    }


def balance_error(total_assets, total_liabilities, equity):
    """Relative gap between assets and liabilities plus equity; ``None`` if unknown."""
    if None in (total_assets, total_liabilities, equity):
        return None
    gap = abs(total_assets - (total_liabilities + equity))
    return gap / max(abs(total_assets), TINY)


def balanced(total_assets, total_liabilities, equity, tolerance=0.01):
    """Whether the balance sheet balances within ``tolerance`` (1 %).

    An incomplete balance sheet cannot be confirmed and is not balanced.
    """
    error = balance_error(total_assets, total_liabilities, equity)
    return error is not None and round(error, DIGITS) <= tolerance


# Limit proposals


def proposed_limit(
    cap,
    equity=None,
    equity_pct=0,
    revenue=None,
    revenue_pct=0,
    monthly_sales=None,
    sales_months=0,
):
    """The smallest of the grade's terms, never below 0.

    ``cap`` is the grade's ceiling (``None`` for none, ``0`` for no credit); the
    other terms apply only when both their figure and their setting are given:
    ``equity_pct`` % of equity, ``revenue_pct`` % of revenue, ``sales_months``
    times the average monthly sales.  Without any term, the limit is ``0``.
    """
    terms = [] if cap is None else [cap]
    if equity is not None and equity_pct:
        terms.append(equity * equity_pct / 100.0)
    if revenue is not None and revenue_pct:
        terms.append(revenue * revenue_pct / 100.0)
    if monthly_sales is not None and sales_months:
        terms.append(monthly_sales * sales_months)
    if not terms:
        return 0.0
    return max(float(min(terms)), 0.0)
