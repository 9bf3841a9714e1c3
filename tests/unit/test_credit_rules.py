from datetime import date

TODAY = date(2026, 11, 25)


def test_effective_limit_counts_temporary_limit_until_its_end_day(rules):
    assert rules.effective_limit(1000, 500, date(2026, 11, 25), TODAY) == 1500
    assert rules.effective_limit(1000, 500, date(2026, 11, 24), TODAY) == 1000
    assert rules.effective_limit(1000, 500, None, TODAY) == 1000


def test_utilisation_and_available(rules):
    assert rules.utilisation_pct(1000, 850) == 85
    assert rules.utilisation_pct(0, 850) == 0
    assert rules.available(1000, 1100) == -100


def test_merge_caps_overdue_by_net_receivable(rules):
    exposure = rules.merge_currency_rows(
        [
            (300.0, 500.0, date(2026, 9, 1), 0.0, 0.0, 1),
            (-50.0, None, None, 25.0, 100.0, 2.0),
        ]
    )
    assert exposure.receivable == 200
    assert exposure.overdue == 200
    assert exposure.oldest_due_date == date(2026, 9, 1)
    assert exposure.total == 450
    assert exposure.overdue_days(TODAY) == 85


def test_merge_rounds_converted_totals_only(rules):
    def cents(amount):
        return round(amount, 2)

    converted = rules.merge_currency_rows([(10.01, 0.0, None, 0.0, 0.0, 1 / 3)], cents)
    assert converted.receivable == 3.34
    exact = rules.merge_currency_rows([(10.01, 0.0, None, 0.0, 0.0, 1)], cents)
    assert exact.receivable == 10.01


def test_no_overdue_when_payments_cover_it(rules):
    exposure = rules.merge_currency_rows(
        [(-50.0, 100.0, date(2026, 9, 1), 0.0, 0.0, 1)]
    )
    assert exposure.overdue == 0
    assert exposure.oldest_due_date is None
    assert exposure.overdue_days(TODAY) == 0


def codes(reasons):
    return [reason.code for reason in reasons]


def test_over_limit_respects_tolerance(rules):
    policy = rules.Policy(tolerance_pct=10)
    exposure = rules.Exposure(receivable=900)
    assert codes(rules.evaluate(policy, exposure, 1000, 200, TODAY)) == []
    reasons = rules.evaluate(policy, exposure, 1000, 201, TODAY)
    assert codes(reasons) == [rules.OVER_LIMIT]
    assert reasons[0].blocking
    assert reasons[0].values["excess"] == 101


def test_warning_only_warns(rules):
    policy = rules.Policy(warning_pct=80)
    reasons = rules.evaluate(
        policy, rules.Exposure(orders_to_invoice=700), 1000, 100, TODAY
    )
    assert codes(reasons) == [rules.NEAR_LIMIT]
    assert not reasons[0].blocking
    assert reasons[0].values["utilisation"] == 80


def test_customer_without_limit(rules):
    assert codes(rules.evaluate(rules.Policy(), rules.Exposure(), 0, 100, TODAY)) == []
    cash = rules.Policy(no_limit_action="hold")
    assert codes(rules.evaluate(cash, rules.Exposure(), 0, 100, TODAY)) == [
        rules.NO_LIMIT
    ]


def test_overdue_rules(rules):
    policy = rules.Policy(overdue_days=30, overdue_amount=400)
    exposure = rules.Exposure(
        receivable=500, overdue=500, oldest_due_date=date(2026, 10, 1)
    )
    reasons = rules.evaluate(policy, exposure, 10000, 100, TODAY)
    assert codes(reasons) == [rules.OVERDUE_DAYS, rules.OVERDUE_AMOUNT]
    assert reasons[0].values["days"] == 55
    recent = rules.Exposure(
        receivable=300, overdue=300, oldest_due_date=date(2026, 11, 1)
    )
    assert codes(rules.evaluate(policy, recent, 10000, 100, TODAY)) == []


def test_manual_hold_blocks_even_within_limit(rules):
    reasons = rules.evaluate(
        rules.Policy(), rules.Exposure(), 1000, 10, TODAY, manual_hold=True
    )
    assert codes(reasons) == [rules.MANUAL_HOLD]
