"""Back-testing of credit scores, free of Odoo so that it tests in milliseconds.

An observation is a customer's score on a day and what followed it: a late
payment, a default.  :func:`backtest` turns observations into what followed
each grade of each scorecard version, and how well each version's score told the
bad observations (late or default) from the good ones: the area under the ROC
curve (AUC, 0.5 is chance, 1 full separation) and the Kolmogorov-Smirnov
distance (KS, 0 to 1).
"""

from dataclasses import dataclass


def _pct(part, whole):
    return 100.0 * part / whole


class ScoreTally:
    """Good and bad observations per distinct score, counted one at a time, so
    that :meth:`auc` and :meth:`ks` read a stream of any length in little memory.

    A higher score stands for a better customer.
    """

    def __init__(self):
        self._counts = {}

    def add(self, score, bad):
        """Count one observation; one without a score is left out."""
        if score is not None:
            self._counts.setdefault(score, [0, 0])[bool(bad)] += 1

    def _ordered(self):
        """``[goods, bads]`` per distinct score, lowest first, and the two totals."""
        ordered = [self._counts[score] for score in sorted(self._counts)]
        return ordered, sum(g for g, _b in ordered), sum(b for _g, b in ordered)

    def auc(self):
        """Probability that a random good observation scores above a random bad one.

        Ties count one half: it is the Mann-Whitney statistic, computed from the
        sum of the goods' ranks with average ranks for ties, in O(n log n).
        ``None`` without goods or without bads.
        """
        groups, n_good, n_bad = self._ordered()
        if not n_good or not n_bad:
            return None
        rank_sum, below = 0.0, 0
        for goods, bad_count in groups:
            size = goods + bad_count
            rank_sum += goods * (below + (size + 1) / 2.0)
            below += size
        return (rank_sum - n_good * (n_good + 1) / 2.0) / (n_good * n_bad)

    def ks(self):
        """Largest gap between the goods' and the bads' cumulative score shares.

        Measured at every distinct score, 0 (no separation) to 1 (full); ``None``
        without goods or without bads.
        """
        groups, n_good, n_bad = self._ordered()
        if not n_good or not n_bad:
            return None
        distance, cum_good, cum_bad = 0.0, 0, 0
        for goods, bad_count in groups:
            cum_good += goods
            cum_bad += bad_count
            distance = max(distance, abs(cum_good / n_good - cum_bad / n_bad))
        return distance


def tally(scores, bads):
    """The :class:`ScoreTally` of paired ``scores`` and ``bads``."""
    counted = ScoreTally()
    for score, bad in zip(scores, bads, strict=True):
        counted.add(score, bad)
    return counted


def auc(scores, bads):
    """:meth:`ScoreTally.auc` of paired ``scores`` and ``bads``."""
    return tally(scores, bads).auc()


def ks(scores, bads):
    """:meth:`ScoreTally.ks` of paired ``scores`` and ``bads``."""
    return tally(scores, bads).ks()


@dataclass(frozen=True)
class Outcome:
    """What followed a group of observations: how many there were, of how many
    distinct customers, and how many were followed by a late payment or a
    default.  Rates are percentages of the observations."""

    observations: int
    customers: int
    lates: int
    defaults: int

    @property
    def late_rate(self):
        return _pct(self.lates, self.observations)

    @property
    def default_rate(self):
        return _pct(self.defaults, self.observations)


class _OutcomeCount:
    """An :class:`Outcome` counted one observation at a time."""

    def __init__(self):
        self.observations = self.lates = self.defaults = 0
        self.customers = set()

    def add(self, customer, late, default):
        self.observations += 1
        self.customers.add(customer)
        self.lates += bool(late)
        self.defaults += bool(default)

    def outcome(self):
        return Outcome(
            self.observations, len(self.customers), self.lates, self.defaults
        )


@dataclass(frozen=True)
class VersionBacktest:
    """The back-test of one scorecard version: its :class:`Outcome`, the outcome
    of each grade (in the order the grades first appear, ``None`` for scores
    without a grade), and how well its score told bad observations (late or
    default) from good ones: AUC and KS, ``None`` without both kinds."""

    outcome: Outcome
    grades: dict
    auc: float | None
    ks: float | None


def backtest(observations):
    """Per scorecard version, in the order they first appear, its
    :class:`VersionBacktest`.

    ``observations`` yields ``(version, grade, customer, score, late, default)``
    once each; it is read in one pass, keeping counts and customer ids only.
    """
    versions = {}
    for version, grade, customer, score, late, default in observations:
        if version not in versions:
            versions[version] = (_OutcomeCount(), {}, ScoreTally())
        total, grades, separation = versions[version]
        if grade not in grades:
            grades[grade] = _OutcomeCount()
        total.add(customer, late, default)
        grades[grade].add(customer, late, default)
        separation.add(score, late or default)
    return {
        version: VersionBacktest(
            outcome=total.outcome(),
            grades={grade: count.outcome() for grade, count in grades.items()},
            auc=separation.auc(),
            ks=separation.ks(),
        )
        for version, (total, grades, separation) in versions.items()
    }
