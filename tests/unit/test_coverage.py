from datetime import date

import pytest

TODAY = date(2026, 11, 25)
# Cover states as the query numbers them.
NONE, DRAFT, REQUESTED, APPROVED, PARTIAL, REFUSED, WITHDRAWN, EXPIRED = range(8)


def buyer(rules, status=NONE, pct=100.0, months=24, dates=None, **amounts):
    profile = {
        "insurance_status": status,
        "insurance_pct": pct,
        "insurance_trading_months": months,
    }
    return rules.Exposure(amounts=amounts, dates=dates or {}, profile=profile)


def table(cases):
    """``parametrize`` arguments from a dict of cases keyed by their id."""
    return {"argvalues": list(cases.values()), "ids": list(cases)}


# cover_in_force

A, P = "approved", "partial"
JAN, JUN = date(2026, 1, 1), date(2026, 6, 1)
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
REDUCED = [(JAN, A, 10000.0), (DEC, A, 5000.0)]
WITHDRAWN_LATER = [(JAN, A, 10000.0), (DEC, "withdrawn", 0.0)]
IN_FORCE = {
    "reduction-before": (REDUCED, date(2026, 11, 30), None, (A, 10000.0)),
    "reduction-on-its-day": (REDUCED, DEC, None, (A, 5000.0)),
    "reduction-after": (REDUCED, date(2027, 1, 1), None, (A, 5000.0)),
    "withdrawal-before": (WITHDRAWN_LATER, TODAY, None, (A, 10000.0)),
    "withdrawal-on-its-day": (WITHDRAWN_LATER, DEC, None, ("withdrawn", 0.0)),
    "backdated-approval-replaces-request": (
        [(NOV, "requested", 9e3), (JAN, A, 9e3)],
        TODAY,
        None,
        (A, 9e3),
    ),
    "same-date-last-recorded": ([(NOV, A, 8e3), (NOV, P, 6e3)], TODAY, None, (P, 6e3)),
    "same-date-reversed": ([(NOV, P, 6e3), (NOV, A, 8e3)], TODAY, None, (A, 8e3)),
    "expired-yesterday": (REDUCED, TODAY, date(2026, 11, 24), ("expired", 0.0)),
    "expires-today": (REDUCED, TODAY, TODAY, (A, 10000.0)),
    "no-decision": ([], TODAY, None, ("draft", 0.0)),
    "only-future": ([(DEC, A, 1000.0)], TODAY, None, ("draft", 0.0)),
    "refused": ([(NOV, "refused", 5000.0)], TODAY, None, ("refused", 0.0)),
    "requested": ([(NOV, "requested", 5000.0)], TODAY, None, ("requested", 0.0)),
}


@pytest.mark.parametrize("decisions, today, expiry, expected", **table(IN_FORCE))
def test_cover_in_force(coverage, decisions, today, expiry, expected):
    assert coverage.cover_in_force(decisions, today, expiry) == expected


@pytest.mark.parametrize(
    "number, state",
    [
        (0, ""),
        (None, ""),
        (1, "draft"),
        (3, "approved"),
        (3.0, "approved"),
        (7, "expired"),
        (8, ""),
        (-1, ""),
    ],
)
def test_status_of(coverage, number, state):
    assert coverage.status_of(number) == state


# insurable

FULL = {
    "insurable": 1200.0,
    "insurable_untaxed": 1000.0,
    "orders_to_invoice": 240.0,
    "orders_untaxed": 200.0,
}
NEGATIVE = {"insurable": -10.0, "insurable_untaxed": -300.0, "orders_untaxed": 100.0}
INSURABLE = {
    "taxed": (FULL, True, 0.0, 1440.0),
    "untaxed": (FULL, False, 0.0, 1200.0),
    "order-added": (FULL, False, 50.0, 1250.0),
    "negative-floored-then-order": (NEGATIVE, False, 50.0, 50.0),
    "negative-taxed": (NEGATIVE, True, 0.0, 0.0),
}


@pytest.mark.parametrize("amounts, tax_included, order, expected", **table(INSURABLE))
def test_insurable(rules, coverage, amounts, tax_included, order, expected):
    terms = coverage.Terms(tax_included=tax_included)
    found = coverage.insurable(rules.Exposure(amounts=amounts), terms, order)
    assert found == pytest.approx(expected)


# coverage()

AMOUNTS = {
    "receivable": 1500.0,
    "insurable_untaxed": 1200.0,
    "insurance_cover": 1000.0,
    "insurance_discretionary": 400.0,
}
LATE = {"overdue": 100.0, "dates": {"overdue": date(2026, 10, 26)}}  # 30 days
BOTH = {"discretionary_months": 12, "discretionary_overdue_days": 30}
OVERDUE_29 = {"discretionary_overdue_days": 29}
INS, DISC = "insurer", "discretionary"
SOURCES = {
    "approved": (APPROVED, {}, {}, INS, 1000.0, 900.0),
    "partial": (PARTIAL, {}, {}, INS, 1000.0, 900.0),
    "refused": (REFUSED, {}, {}, "", 0.0, 0.0),
    "withdrawn": (WITHDRAWN, {}, {}, "", 0.0, 0.0),
    "expired": (EXPIRED, {}, {}, "", 0.0, 0.0),
    "no-decision": (NONE, {}, {}, DISC, 400.0, 360.0),
    "draft": (DRAFT, {}, {}, DISC, 400.0, 360.0),
    "requested": (REQUESTED, {}, {}, DISC, 400.0, 360.0),
    "at-both-thresholds": (NONE, {"months": 12, **LATE}, BOTH, DISC, 400.0, 360.0),
    "no-conditions": (NONE, {"months": 0, **LATE}, {}, DISC, 400.0, 360.0),
    "trading-too-short": (NONE, {"months": 11}, BOTH, "", 0.0, 0.0),
    "trading-unknown": (NONE, {"months": None}, BOTH, "", 0.0, 0.0),
    "overdue-too-long": (NONE, LATE, OVERDUE_29, "", 0.0, 0.0),
    "no-discretionary": (NONE, {"insurance_discretionary": 0.0}, {}, "", 0.0, 0.0),
}


@pytest.mark.parametrize(
    "status, extra, terms, source, cover, covered", **table(SOURCES)
)
def test_coverage_source(rules, coverage, status, extra, terms, source, cover, covered):
    exposure = buyer(rules, status, pct=90.0, **{**AMOUNTS, **extra})
    found = coverage.coverage(exposure, coverage.Terms(**terms), TODAY)
    assert (found.source, found.cover, found.insured) == (source, cover, bool(source))
    assert found.status == coverage.status_of(status)
    assert (found.insured_pct, found.insurable) == (90.0, 1200.0)
    assert found.covered == pytest.approx(covered)
    assert found.uninsured == pytest.approx(exposure.total - covered)


AMOUNT_CASES = {
    "order-within-cover": (800.0, 100.0, None, 810.0, 690.0),
    "capped-by-cover": (800.0, 300.0, None, 900.0, 600.0),
    "total-argument": (800.0, 0.0, 2000.0, 720.0, 1280.0),
    "uninsured-floored": (1200.0, 0.0, 100.0, 900.0, 0.0),
}


@pytest.mark.parametrize(
    "insurable, order, total, covered, rest", **table(AMOUNT_CASES)
)
def test_coverage_amounts(rules, coverage, insurable, order, total, covered, rest):
    exposure = buyer(
        rules, APPROVED, 90.0, **{**AMOUNTS, "insurable_untaxed": insurable}
    )
    found = coverage.coverage(exposure, coverage.Terms(), TODAY, order, total)
    assert found.insurable == insurable + order
    assert found.covered == pytest.approx(covered)
    assert found.uninsured == pytest.approx(rest)


def test_coverage_without_percentage_covers_nothing(rules, coverage):
    exposure = buyer(rules, APPROVED, pct=None, **AMOUNTS)
    found = coverage.coverage(exposure, coverage.Terms(), TODAY)
    assert (found.insured, found.covered, found.uninsured) == (True, 0.0, 1500.0)


def test_utilisation(coverage):
    assert coverage.Coverage(cover=1000.0, insurable=1200.0).utilisation == 120.0
    assert coverage.Coverage(cover=0.0, insurable=1200.0).utilisation == 0.0
    assert not coverage.Coverage().insured


# stop_delivery

OLD = date(2026, 10, 1)
BOTH_DATES = {"overdue": OLD, "not_due": date(2026, 12, 10)}
STOPS = {
    "overdue": (100.0, BOTH_DATES, 30, date(2026, 10, 31)),
    "overdue-no-mep": (100.0, {"overdue": OLD}, 0, OLD),
    "nothing-overdue": (0.0, BOTH_DATES, 30, date(2027, 1, 9)),
    "no-dates": (0.0, {}, 30, None),
    "overdue-without-date": (100.0, {}, 30, None),
}


@pytest.mark.parametrize("overdue, dates, mep_days, expected", **table(STOPS))
def test_stop_delivery(rules, coverage, overdue, dates, mep_days, expected):
    exposure = rules.Exposure(amounts={"overdue": overdue}, dates=dates)
    terms = coverage.Terms(mep_days=mep_days)
    assert coverage.stop_delivery(exposure, terms) == expected
    assert coverage.coverage(exposure, terms, TODAY).stop_delivery == expected


# Rules

COVERED = {"insurance_cover": 1000.0, "insurable": 880.0, "insurable_untaxed": 900.0}


def check(rules, coverage, exposure, terms=None, amount=100.0, order=None):
    if terms is not None:
        exposure.profile[coverage.TERMS_KEY] = terms
    return rules.Check(
        exposure,
        0.0,
        amount,
        TODAY,
        settings={},
        compare=rules.compare_floats,
        order=order or {},
    )


DISCRETIONARY = {"insurance_discretionary": 500.0, "insurable_untaxed": 450.0}
LOST_BUT_DISC = {**COVERED, "insurance_discretionary": 500.0}
ALREADY_OVER = {**COVERED, "insurable_untaxed": 2000.0}
OVER_COVER = {  # status, amounts, tax included, order amount, untaxed, expected
    "untaxed-at-cover": (APPROVED, COVERED, False, 120.0, 100.0, None),
    "untaxed-cent-over": (APPROVED, COVERED, False, 120.0, 100.01, (1000.01, 1e3, INS)),
    "untaxed-missing": (APPROVED, COVERED, False, 120.0, None, (1020.0, 1e3, INS)),
    "taxed-at-cover": (APPROVED, COVERED, True, 120.0, 100.01, None),
    "taxed-cent-over": (APPROVED, COVERED, True, 120.01, 100.0, (1000.01, 1e3, INS)),
    "partial": (PARTIAL, COVERED, False, 120.0, 200.0, (1100.0, 1e3, INS)),
    "discretionary": (NONE, DISCRETIONARY, False, 120.0, 100.0, (550.0, 500.0, DISC)),
    "no-cover-at-all": (NONE, {"insurable_untaxed": 5e3}, False, 120.0, 100.0, None),
    "refused": (REFUSED, LOST_BUT_DISC, False, 120.0, 200.0, None),
    "no-order-amount": (APPROVED, ALREADY_OVER, False, 0.0, 0.0, None),
}


@pytest.mark.parametrize(
    "status, amounts, taxed, amount, untaxed, expected", **table(OVER_COVER)
)
def test_over_cover(rules, coverage, status, amounts, taxed, amount, untaxed, expected):
    terms = coverage.Terms(tax_included=taxed)
    order = {} if untaxed is None else {"amount_untaxed": untaxed}
    exposure = buyer(rules, status, **amounts)
    found = coverage.over_cover(check(rules, coverage, exposure, terms, amount, order))
    if expected is None:
        assert found is None
        return
    insurable, cover, source = expected
    assert found == {
        "insurable": pytest.approx(insurable),
        "cover": cover,
        "excess": pytest.approx(insurable - cover),
        "source": source,
    }


@pytest.mark.parametrize(
    "status, expected",
    [
        (NONE, None),
        (DRAFT, None),
        (REQUESTED, None),
        (APPROVED, None),
        (PARTIAL, None),
        (REFUSED, "refused"),
        (WITHDRAWN, "withdrawn"),
        (EXPIRED, "expired"),
    ],
)
def test_no_cover(rules, coverage, status, expected):
    exposure = buyer(rules, status, **COVERED)
    found = coverage.no_cover(check(rules, coverage, exposure, coverage.Terms()))
    assert found == (expected and {"status": expected})


OWED = {"overdue": 1.0}
STOP_PASSED = {  # stop delivery = oldest overdue due date + 30 days
    "stop-date-is-today": (OWED, {"overdue": date(2026, 10, 26)}, None),
    "day-after-stop-date": (OWED, {"overdue": date(2026, 10, 25)}, "2026-11-24"),
    "nothing-overdue": ({}, {"not_due": date(2026, 12, 1)}, None),
    "no-dates": ({}, {}, None),
}


@pytest.mark.parametrize("amounts, dates, expected", **table(STOP_PASSED))
def test_stop_delivery_passed(rules, coverage, amounts, dates, expected):
    exposure = buyer(rules, APPROVED, dates=dates, **amounts)
    terms = coverage.Terms(mep_days=30)
    found = coverage.stop_delivery_passed(check(rules, coverage, exposure, terms))
    assert found == (expected and {"stop_delivery": expected, "mep_days": 30})


@pytest.mark.parametrize(
    "max_days, payment_days, fires",
    [
        (60, 60, False),
        (60, 61, True),
        (60, 30, False),
        (60, None, False),
        (0, 365, False),
    ],
)
def test_terms_too_long(rules, coverage, max_days, payment_days, fires):
    terms = coverage.Terms(max_credit_days=max_days)
    exposure = buyer(rules, APPROVED)
    order = {"payment_days": payment_days}
    found = coverage.terms_too_long(check(rules, coverage, exposure, terms, 1.0, order))
    expected = {"payment_days": payment_days, "max_credit_days": max_days}
    assert found == (expected if fires else None)


SINCE_JAN, UNTAXED_200 = {"overdue": JAN}, {"amount_untaxed": 200.0}
FIRING = {  # rule, status, amounts, dates, order: a case where the rule fires
    "insurance_over_cover": ("over_cover", APPROVED, COVERED, {}, UNTAXED_200),
    "insurance_no_cover": ("no_cover", WITHDRAWN, {}, {}, {}),
    "insurance_stop_delivery": ("stop_delivery_passed", APPROVED, OWED, SINCE_JAN, {}),
    "insurance_terms": ("terms_too_long", APPROVED, {}, {}, {"payment_days": 90}),
}


@pytest.mark.parametrize("code", sorted(FIRING))
def test_rule_switched_off_never_fires(rules, coverage, code):
    name, status, amounts, dates, order = FIRING[code]
    rule = getattr(coverage, name)
    assert dict(coverage.RULES)[code] is rule

    def run(holds):
        terms = None if holds is None else coverage.Terms(60, 30, holds=holds)
        exposure = buyer(rules, status, dates=dates, **amounts)
        return rule(check(rules, coverage, exposure, terms, order=order))

    assert run(frozenset(coverage.REASONS)) is not None
    assert run(frozenset({code})) is not None
    assert run(frozenset(coverage.REASONS) - {code}) is None
    assert run(frozenset()) is None
    assert run(None) is None  # no policy terms on the buyer
