from datetime import date

import pytest

TODAY = date(2026, 11, 25)


def test_effective_limit_counts_temporary_limit_until_its_end_day(rules):
    assert rules.effective_limit(1000, 500, date(2026, 11, 25), TODAY) == 1500
    assert rules.effective_limit(1000, 500, date(2026, 11, 24), TODAY) == 1000
    assert rules.effective_limit(1000, 500, None, TODAY) == 1000


def test_utilisation_and_available(rules):
    assert rules.utilisation_pct(1000, 850) == 85
    assert rules.utilisation_pct(0, 850) == 0
    assert rules.available(1000, 1100) == -100


def rows(*items, rate=1):
    return [(code, amount, when, None, rate) for code, amount, when in items]


def test_merge_caps_overdue_by_net_receivable(rules):
    exposure = rules.merge_rows(
        rows(("receivable", 300.0, None), ("overdue", 500.0, date(2026, 9, 1)))
        + rows(
            ("receivable", -50.0, None),
            ("draft_invoices", 25.0, None),
            ("orders_to_invoice", 100.0, None),
            rate=2.0,
        )
    )
    assert exposure["receivable"] == 200
    assert exposure.overdue == 200
    assert exposure.dates["overdue"] == date(2026, 9, 1)
    assert exposure.total == 450
    assert exposure.overdue_days(TODAY) == 85


def test_merge_rounds_converted_totals_only(rules):
    def cents(amount):
        return round(amount, 2)

    converted = rules.merge_rows(
        rows(("receivable", 10.01, None), rate=1 / 3), round_amount=cents
    )
    assert converted["receivable"] == 3.34
    exact = rules.merge_rows(rows(("receivable", 10.01, None)), round_amount=cents)
    assert exact["receivable"] == 10.01


def test_no_overdue_when_payments_cover_it(rules):
    exposure = rules.merge_rows(
        rows(("receivable", -50.0, None), ("overdue", 100.0, date(2026, 9, 1)))
    )
    assert exposure.overdue == 0
    assert "overdue" not in exposure.dates
    assert exposure.overdue_days(TODAY) == 0


def test_policy_chooses_the_components_that_count(rules):
    exposure = rules.merge_rows(
        rows(("receivable", 100.0, None), ("orders_to_invoice", 50.0, None))
    )
    assert exposure.total == 150
    assert exposure.counting({"receivable"}).total == 100


def test_merge_collects_blocks_per_origin(rules):
    exposure = rules.merge_rows(
        [
            ("block:manual", None, None, "Disputed delivery", 1),
            ("block:dunning", None, None, "Level 3", 1),
        ]
    )
    assert [b.origin for b in exposure.blocks] == ["dunning", "manual"]
    assert exposure.total == 0


def check(rules, exposure=None, limit=1000, amount=0.0, **settings):
    return rules.Check(exposure or rules.Exposure(), limit, amount, TODAY, settings)


def exposure_of(rules, **amounts):
    dates = amounts.pop("dates", {})
    return rules.Exposure(amounts, dates)


def codes(reasons):
    return [reason.code for reason in reasons]


def run(rules, *args, **kwargs):
    return rules.evaluate(rules.CORE_RULES, check(rules, *args, **kwargs))


def test_over_limit_respects_tolerance(rules):
    exposure = exposure_of(rules, receivable=900)
    assert codes(run(rules, exposure, 1000, 200, tolerance_pct=10)) == []
    reasons = run(rules, exposure, 1000, 201, tolerance_pct=10)
    assert codes(reasons) == [rules.OVER_LIMIT]
    assert reasons[0].blocking
    assert reasons[0].values["excess"] == 101


def test_exact_limit_compares_with_the_currency_rounding(rules):
    exposure = exposure_of(rules, receivable=4909.64 + 553.26 + 2661.90)
    raw = run(rules, exposure, 10000, 1875.20)
    assert exposure.total + 1875.20 != 10000  # float noise above the limit
    assert codes(raw) == [rules.OVER_LIMIT]
    rounded = rules.evaluate(
        rules.CORE_RULES,
        rules.Check(
            exposure,
            10000,
            1875.20,
            TODAY,
            {},
            lambda a, b: rules.compare_floats(round(a, 2), round(b, 2)),
        ),
    )
    assert codes(rounded) == []


def test_warning_only_warns(rules):
    reasons = run(
        rules, exposure_of(rules, orders_to_invoice=700), 1000, 100, warning_pct=80
    )
    assert codes(reasons) == [rules.NEAR_LIMIT]
    assert not reasons[0].blocking
    assert reasons[0].values["utilisation"] == 80


def test_customer_without_limit(rules):
    assert codes(run(rules, None, 0, 100)) == []
    assert codes(run(rules, None, 0, 100, no_limit_action="hold")) == [rules.NO_LIMIT]


def test_overdue_rules(rules):
    exposure = exposure_of(
        rules, receivable=500, overdue=500, dates={"overdue": date(2026, 10, 1)}
    )
    reasons = run(rules, exposure, 10000, 100, overdue_days=30, overdue_amount=400)
    assert codes(reasons) == [rules.OVERDUE_DAYS, rules.OVERDUE_AMOUNT]
    assert reasons[0].values["days"] == 55
    recent = exposure_of(
        rules, receivable=300, overdue=300, dates={"overdue": date(2026, 11, 1)}
    )
    assert (
        codes(run(rules, recent, 10000, 100, overdue_days=30, overdue_amount=400)) == []
    )


def test_a_block_blocks_even_within_limit(rules):
    exposure = rules.Exposure(blocks=(rules.Block("manual", "Disputed delivery"),))
    reasons = run(rules, exposure, 1000, 10)
    assert codes(reasons) == [rules.BLOCKED]
    assert reasons[0].values["blocks"] == [
        {"origin": "manual", "note": "Disputed delivery"}
    ]


def test_rules_are_a_registry_a_policy_can_switch(rules):
    def big_order(check):
        return {"amount": check.order_amount} if check.order_amount > 500 else None

    registry = [*rules.CORE_RULES, rules.Rule("big_order", big_order)]
    reasons = rules.evaluate(registry, check(rules, None, 10000, 600))
    assert codes(reasons) == ["big_order"]
    switched = rules.evaluate(
        registry, check(rules, None, 10000, 600), disabled={"big_order"}
    )
    assert codes(switched) == []


def test_blocking_reasons_come_first(rules):
    def warn(check):
        return {}

    registry = [rules.Rule("warn", warn, blocking=False), *rules.CORE_RULES]
    reasons = rules.evaluate(registry, check(rules, None, 100, 200))
    assert codes(reasons) == [rules.OVER_LIMIT, "warn"]


@pytest.mark.parametrize("amount", [0.0, 99.99])
def test_within_limit_no_reason(rules, amount):
    assert codes(run(rules, None, 100, amount)) == []


def member(rules, group_id, receivable, group_limit=1500.0):
    return rules.Exposure(
        {"receivable": receivable},
        profile={
            rules.GROUP_ID: group_id,
            rules.GROUP_LIMIT: group_limit,
        },
    )


def test_group_totals_sum_members_per_group(rules):
    alone = rules.Exposure({"receivable": 50.0})
    totals = rules.group_totals(
        [member(rules, 1, 100.0), member(rules, 1, 250.0), member(rules, 2, 7.0), alone]
    )
    assert totals == {1: 350.0, 2: 7.0}


@pytest.mark.parametrize(
    "group_exposure, amount, group_limit, tolerance, held",
    [
        (1000.0, 500.0, 1500.0, 0, False),  # exactly at the group limit
        (1000.0, 500.01, 1500.0, 0, True),
        (1000.0, 600.0, 1500.0, 10, False),  # within the tolerance
        (1000.0, 700.0, 1500.0, 10, True),
        (1e9, 1.0, 0.0, 0, False),  # no group limit
    ],
)
def test_group_over_limit(rules, group_exposure, amount, group_limit, tolerance, held):
    exposure = member(rules, 3, 0.0, group_limit)
    profile = {**exposure.profile, rules.GROUP_EXPOSURE: group_exposure}
    exposure = rules.Exposure(exposure.amounts, profile=profile)
    reasons = run(rules, exposure, 1e9, amount, tolerance_pct=tolerance)
    assert codes(reasons) == (["group_over_limit"] if held else [])
    if held:
        values = reasons[0].values
        assert values["group_id"] == 3
        assert values["group_projected"] == group_exposure + amount
        assert values["group_excess"] == group_exposure + amount - group_limit


def test_no_group_no_group_reason(rules):
    assert codes(run(rules, exposure_of(rules, receivable=10), 1000, 10)) == []
