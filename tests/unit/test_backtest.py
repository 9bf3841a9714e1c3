import pytest


def table(cases):
    """``parametrize`` arguments from a dict of cases keyed by their id."""
    return {"argvalues": list(cases.values()), "ids": list(cases)}


F, T = False, True

# Six observations worked by hand: goods score 90 and 70, bads 80, 70, 50 and 30.
# AUC: of the 2 x 4 good-bad pairs, 90 beats all four bads (4) and 70 beats 50 and
# 30, ties 70 (one half) and loses to 80: 4 + 2.5 = 6.5 of 8 = 0.8125.
# KS, by score going up (goods of 2, bads of 4, cumulated):
#   30: 0/2 - 1/4 -> 0.25;  50: 0/2 - 2/4 -> 0.5;  70: 1/2 - 3/4 -> 0.25;
#   80: 1/2 - 4/4 -> 0.5;  90: 2/2 - 4/4 -> 0;  largest gap 0.5.
WORKED = ([90, 70, 80, 70, 50, 30], [F, F, T, T, T, T], 0.8125, 0.5)

SEPARATION = {
    # every good above every bad: all 4 pairs won; the goods' share is still 0
    # when the bads' reaches 1 (at 70).
    "perfect": ([90, 80, 70, 60], [F, F, T, T], 1.0, 1.0),
    # pairs 90>80, 90>60, 70>60 won, 70<80 lost: 3/4; gap 1/2 at 60 and at 80.
    "interleaved": ([90, 80, 70, 60], [F, T, F, T], 0.75, 0.5),
    # every bad above every good: no pair won, the gap still reaches 1.
    "inverted": ([90, 80, 70, 60], [T, T, F, F], 0.0, 1.0),
    # all four pairs tied: 4 x 1/2 / 4; one score, both shares reach 1 at once.
    "all-tied": ([50, 50, 50, 50], [F, T, F, T], 0.5, 0.0),
    # 80 beats both bads (2), 70 ties one (0.5) and beats 60 (1): 3.5/4.
    "partial-tie": ([80, 70, 70, 60], [F, F, T, T], 0.875, 0.5),
    "unsorted-input": ([60, 90, 70, 80], [T, F, T, F], 1.0, 1.0),
    "unscored-left-out": ([90, None, 60], [F, T, T], 1.0, 1.0),
    "worked-six": WORKED,
    "all-goods": ([90, 80], [F, F], None, None),
    "all-bads": ([90, 80], [T, T], None, None),
    "empty": ([], [], None, None),
}


@pytest.mark.parametrize(("scores", "bads", "auc", "ks"), **table(SEPARATION))
def test_auc_and_ks(backtest, scores, bads, auc, ks):
    assert backtest.auc(scores, bads) == pytest.approx(auc)
    assert backtest.ks(scores, bads) == pytest.approx(ks)


def test_auc_matches_pairwise_count(backtest):
    scores = [(i * 37) % 23 for i in range(60)]
    bads = [i % 3 == 0 or i % 7 == 0 for i in range(60)]
    goods = [s for s, bad in zip(scores, bads, strict=True) if not bad]
    worse = [s for s, bad in zip(scores, bads, strict=True) if bad]
    wins = sum((g > b) + 0.5 * (g == b) for g in goods for b in worse)
    assert backtest.auc(scores, bads) == pytest.approx(wins / (len(goods) * len(worse)))


def test_scores_and_outcomes_must_pair(backtest):
    with pytest.raises(ValueError):
        backtest.auc([1, 2], [True])


def test_tally_counted_one_by_one_equals_the_lists(backtest):
    scores, bads, auc, ks = WORKED
    counted = backtest.ScoreTally()
    for score, bad in zip(scores, bads, strict=True):
        counted.add(score, bad)
    assert (counted.auc(), counted.ks()) == pytest.approx((auc, ks))


# (version, grade, customer, score, late, default)
OBSERVATIONS = [
    # version 1: the worked six, customer 1 seen twice (90, good)
    (1, "A", 1, 90, F, F),
    (1, "A", 1, 90, F, F),
    (1, "B", 2, 70, F, F),
    (1, "A", 3, 80, T, F),
    (1, "B", 4, 70, T, F),
    (1, "C", 5, 50, T, T),
    (1, None, 6, 30, F, T),
    # version 2: the same customers, told apart perfectly
    (2, "A", 1, 85, F, F),
    (2, "A", 2, 85, F, F),
    (2, "B", 3, 60, T, F),
    (2, "B", 4, 60, T, F),
]


def test_backtest_per_version_and_grade(backtest):
    result = backtest.backtest(iter(OBSERVATIONS))
    assert list(result) == [1, 2]
    first, second = result[1], result[2]
    # 7 observations of 6 customers; late 3 (3, 4, 5), default 2 (5, 6)
    assert first.outcome == backtest.Outcome(7, 6, 3, 2)
    assert first.outcome.late_rate == pytest.approx(300 / 7)
    assert first.outcome.default_rate == pytest.approx(200 / 7)
    # goods 90, 90, 70; bads 80, 70, 50, 30: 90 wins 4 pairs twice, 70 wins 2.5
    # of 4 (as in the worked six): (8 + 2.5) / 12.  KS by score going up, goods of
    # 3 and bads of 4: 30: 1/4; 50: 2/4; 70: 1/3 - 3/4; 80: 1/3 - 1 -> 2/3; 90: 0.
    assert first.auc == pytest.approx(10.5 / 12)
    assert first.ks == pytest.approx(2 / 3)
    assert list(first.grades) == ["A", "B", "C", None]
    assert first.grades["A"] == backtest.Outcome(3, 2, 1, 0)
    assert first.grades["B"] == backtest.Outcome(2, 2, 1, 0)
    assert first.grades["C"] == backtest.Outcome(1, 1, 1, 1)
    assert first.grades[None] == backtest.Outcome(1, 1, 0, 1)
    assert (first.grades["C"].late_rate, first.grades["A"].default_rate) == (
        100.0,
        0.0,
    )
    assert second.outcome == backtest.Outcome(4, 4, 2, 0)
    assert (second.auc, second.ks) == (1.0, 1.0)
    assert second.grades["B"].late_rate == 100.0


def test_version_without_bads_has_no_separation(backtest):
    result = backtest.backtest([(1, "A", 1, 90, F, F), (1, "A", 2, 50, F, F)])
    assert (result[1].auc, result[1].ks) == (None, None)
    assert result[1].outcome.late_rate == 0.0
    assert backtest.backtest([]) == {}
