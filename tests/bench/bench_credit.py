"""Benchmark credit_control's check at order confirmation and portfolio exposure.

Run it with ``make bench`` (``bash scripts/bench.sh``), or directly::

    /opt/odoo/venv-19.0/bin/python tests/bench/bench_credit.py [--rebuild] [--repeat 20]

Three databases, created once and re-used while their data version
(``generate.DATA_VERSION``) holds (``--rebuild`` recreates them):

* ``credit_bench_ours_v<N>``: ``credit_control`` with a company policy and customers
  whose limit is huge, so that the check runs in full but never holds the order.
  Re-updated (``-u``) when the add-on's source changed since the last run.
* ``credit_bench_stock_v<N>`` ("ours+stock"): the same with ``sale_stock`` too, whose
  bench quotations sell a storable product in stock, so that confirming one creates a
  delivery and reserves its goods, as for most companies selling goods on credit.
  Only the confirmation is measured there, at H = 10 and 10 000.
* ``credit_bench_oca_v<N>``: OCA's ``sale_financial_risk`` 19.0 (and its
  ``account_financial_risk``), as the anchor, from the wheels that ``scripts/bench.sh``
  installs into ``$OCA_TARGET`` (default ``/opt/odoo/oca-addons-19``), a folder that
  only this database's addons path names.  Every risk kind is included and the limit is
  huge.

All hold the same synthetic data (see ``generate.py``): 10 000 customers with open,
partly paid, overdue, paid and draft invoices and a confirmed order each, and three
customers with H = 10, 1 000, 10 000 open invoices and a one-line quotation.

What it prints (it asserts nothing on time):

1. confirmation latency (median, p90) of the one-line quotation at each H, checked vs
   the check skipped (``sudo`` + ``credit_check_skip``; OCA: ``bypass_risk``), both as a
   sudo'ed admin, interleaved, each confirmation on a fresh cursor of a warm registry,
   timed with its flush and precommit work, then rolled back; and the credit evaluation
   alone (``_credit_evaluate``; OCA: ``evaluate_risk_message``);
2. the same for ours+stock and for OCA, and OCA vs ours;
3. portfolio exposure of the 10 000 customers: ours ``_compute_exposures(company)`` vs
   OCA reading ``risk_total`` (also at 1 000 and 2 000 customers);
4. SQL queries of one checked vs one skipped confirmation;

with the targets next to the figures, a consistency check of the exposures both sides
compute, and the plan of credit_control's exposure query for the H = 10 000 customer.

Each database is measured in a worker process of its own (``--worker``), so that the
registries and addons paths never meet.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from databases import (  # noqa: E402  (found through the path set just above)
    CUSTOMERS,
    HEAVY,
    SIDES,
    ensure_database,
    generate_data,
    is_ours,
    log,
    measured_heavy,
    open_registry,
    worker,
)

# Measurements (inside a worker) -------------------------------------------------------


def on_fresh_cursor(registry, function):
    """Run ``function(env)`` as a sudo'ed admin on a new cursor, then roll back."""
    from odoo import api

    cr = registry.cursor()
    try:
        return function(api.Environment(cr, 2, {}, su=True))
    finally:
        cr.rollback()
        cr.close()


def confirm(order_id, context, delivery):
    """A confirmation, flushed with its precommit work: (seconds, queries)."""

    def run(env):
        order = env["sale.order"].with_context(**context).browse(order_id)
        count = env.cr.sql_log_count
        start = time.perf_counter()
        result = order.action_confirm()
        env.flush_all()
        env.cr.precommit.run()
        elapsed = time.perf_counter() - start
        if order.state != "sale":
            raise RuntimeError(f"the bench order was not confirmed: {result}")
        if delivery and not order.picking_ids:
            raise RuntimeError("the bench order was confirmed without a delivery")
        return elapsed, env.cr.sql_log_count - count

    return run


def check_alone(side, order_id):
    """The credit evaluation alone, as the confirmation runs it: (seconds, queries)."""

    def run(env):
        order = env["sale.order"].browse(order_id)
        partner = order.partner_invoice_id.commercial_partner_id  # as in confirm
        count = env.cr.sql_log_count
        start = time.perf_counter()
        if is_ours(side):
            order._credit_evaluate()
        else:
            order.evaluate_risk_message(partner)
        return time.perf_counter() - start, env.cr.sql_log_count - count

    return run


def measure(side, repeat):
    registry = open_registry(side)
    skip, heavy = SIDES[side]["skip"], measured_heavy(side)
    delivery = "sale_stock" in SIDES[side]["install"]
    results = {"latency": {}, "queries": {}, "portfolio": {}}

    def ids(env):
        orders = {
            h: env["sale.order"].search([("client_order_ref", "=", f"bench-h{h}")]).id
            for h in heavy
        }
        customers = [
            int(i)
            for i in env["ir.config_parameter"]
            .get_param("credit_bench.customers")
            .split(",")
        ]
        partners = {h: env["sale.order"].browse(orders[h]).partner_id.id for h in heavy}
        return orders, customers, partners

    orders, customers, heavy_partners = on_fresh_cursor(registry, ids)
    samples = {(h, mode): [] for h in heavy for mode in ("checked", "skipped", "check")}
    for round_ in range(repeat + 3):  # the first 3 rounds warm the caches up
        for h in heavy:
            modes = (
                ("checked", "skipped", "check")
                if round_ % 2
                else ("check", "skipped", "checked")
            )
            for mode in modes:
                task = {
                    "checked": confirm(orders[h], {}, delivery),
                    "skipped": confirm(orders[h], skip, delivery),
                    "check": check_alone(side, orders[h]),
                }[mode]
                elapsed, queries = on_fresh_cursor(registry, task)
                if round_ >= 3:
                    samples[h, mode].append(elapsed)
                    results["queries"][f"{h}:{mode}"] = queries
    for (h, mode), values in samples.items():
        values.sort()
        results["latency"][f"{h}:{mode}"] = {
            "median": statistics.median(values),
            "p90": values[min(len(values) - 1, round(0.9 * (len(values) - 1)))],
        }
    log(f"{side}: latency done")

    if SIDES[side].get("portfolio", True):
        exposure = ours_portfolio if is_ours(side) else oca_portfolio
        results.update(exposure(registry, customers, heavy_partners))
    results["heavy_partners"] = {str(h): p for h, p in heavy_partners.items()}
    return results


def ours_portfolio(registry, customers, heavy_partners):
    """credit_control's exposure of the whole portfolio, and its query's plan."""
    results = {"portfolio": {}}

    def portfolio(env):
        start = time.perf_counter()
        exposures = env["credit.exposure"]._compute_exposures(env.company)
        return (
            time.perf_counter() - start,
            len(exposures),
            {
                str(p): exposures[p].total
                for p in [*heavy_partners.values(), *customers[:50]]
            },
        )

    runs = [on_fresh_cursor(registry, portfolio) for _ in range(6)][1:]
    results["portfolio"]["all"] = {
        "median": statistics.median(r[0] for r in runs),
        "partners": runs[0][1],
    }
    results["exposures"] = runs[0][2]
    results["plan"] = on_fresh_cursor(registry, explain(heavy_partners[HEAVY[-1]]))
    return results


def oca_portfolio(registry, customers, heavy_partners):
    """OCA's risk_total over 1 000, 2 000 and every customer."""
    results = {"portfolio": {}}

    def risk(size):
        def run(env):
            partners = env["res.partner"].browse(customers[:size])
            start = time.perf_counter()
            totals = [p.risk_total for p in partners]
            return time.perf_counter() - start, len(totals)

        return run

    for size in (1_000, 2_000, CUSTOMERS):
        runs = [
            on_fresh_cursor(registry, risk(size))
            for _ in range(3 if size < CUSTOMERS else 2)
        ]
        results["portfolio"][str(size)] = {
            "median": statistics.median(r[0] for r in runs),
            "partners": size,
        }
        log(f"oca: portfolio {size} done in {runs[-1][0]:.2f} s")

    def exposures(env):
        partners = env["res.partner"].browse(
            [*heavy_partners.values(), *customers[:50]]
        )
        return {str(p.id): p.risk_total for p in partners}

    results["exposures"] = on_fresh_cursor(registry, exposures)
    return results


def explain(partner_id):
    """EXPLAIN ANALYZE of the exposure query for one customer: the plan's lines."""

    def run(env):
        from odoo import fields
        from odoo.tools import SQL

        from odoo.addons.credit_control.models.credit_exposure import _EXPOSURE_SQL

        query = SQL(
            _EXPOSURE_SQL,
            partner_filter=SQL("commercial_partner_id = ANY(%s)", [partner_id]),
            today=fields.Date.context_today(env.user),
            company_id=env.company.id,
        )
        env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
        return [row[0] for row in env.cr.fetchall()]

    return run


# Report -------------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def report(data, repeat):
    sides = [s for s in SIDES if s in data]
    both = "ours" in data and "oca" in data
    lo, hi = HEAVY[0], HEAVY[-1]  # every side measures these two
    print(
        f"\n== 1-2. Confirmation of a one-line quotation ({repeat} interleaved runs "
        "each, fresh cursor, rolled back) =="
    )
    print(
        f"{'side':10} {'H':>6} | {'checked med':>11} {'p90':>11} | "
        f"{'skipped med':>11} {'p90':>11} | checked/skipped"
    )
    for side in sides:
        lat, label = data[side]["latency"], SIDES[side]["label"]
        for h in measured_heavy(side):
            c, s = lat[f"{h}:checked"], lat[f"{h}:skipped"]
            print(
                f"{label:10} {h:6d} | {ms(c['median'])} {ms(c['p90'])} | "
                f"{ms(s['median'])} {ms(s['p90'])} | {c['median'] / s['median']:6.2f}x"
            )
    print(f"target: the check adds at most 10 % at H = {hi} (checked/skipped <= 1.10x)")
    for side in sides:
        lat, queries = data[side]["latency"], data[side]["queries"]
        label = SIDES[side]["label"]
        checked = {h: lat[f"{h}:checked"]["median"] * 1000 for h in (lo, hi)}
        added = {h: checked[h] - lat[f"{h}:skipped"]["median"] * 1000 for h in (lo, hi)}
        alone = {h: lat[f"{h}:check"]["median"] * 1000 for h in (lo, hi)}
        print(
            f"{label}: H={lo} -> {hi}: checked confirmation {checked[lo]:.1f} -> "
            f"{checked[hi]:.1f} ms ({checked[hi] / checked[lo]:.2f}x); "
            f"checked - skipped {added[lo]:.1f} -> {added[hi]:.1f} ms; "
            "credit evaluation alone "
            f"{alone[lo]:.1f} -> {alone[hi]:.1f} ms ({alone[hi] / alone[lo]:.2f}x, "
            f"{queries[f'{hi}:check']} queries)"
        )
    print(f"target: the check's time grows no more than 1.5x from H = {lo} to H = {hi}")
    if both:
        for h in HEAVY:
            oca, ours = (
                data[s]["latency"][f"{h}:checked"]["median"] for s in ("oca", "ours")
            )
            print(f"H={h}: OCA checked / ours checked = {oca / ours:.2f}x")

    print("\n== 3. Portfolio exposure ==")
    ours = data.get("ours", {}).get("portfolio", {}).get("all")
    if ours:
        print(
            f"ours  _compute_exposures(company), {ours['partners']} customers: "
            f"{ms(ours['median'])}  (target < 1000 ms)"
        )
    for size, p in data.get("oca", {}).get("portfolio", {}).items():
        ratio = f"  ({p['median'] / ours['median']:.0f}x ours)" if ours else ""
        print(f"OCA   risk_total of {size:>5} customers: {ms(p['median'])}{ratio}")
    if "oca" in data:
        print(f"target: ours at least 50x faster than OCA at {CUSTOMERS} customers")

    print(f"\n== 4. SQL queries of one confirmation (H = {hi}) ==")
    for side in sides:
        label = SIDES[side]["label"]
        q = {m: data[side]["queries"][f"{hi}:{m}"] for m in ("checked", "skipped")}
        at_lo = "/".join(str(data[side]["queries"][f"{lo}:{m}"]) for m in q)
        print(
            f"{label:10} checked {q['checked']:4d}  skipped {q['skipped']:4d}  "
            f"(+{q['checked'] - q['skipped']}; at H={lo}: {at_lo})"
        )

    if both:
        print(
            "\n== Consistency: exposure (ours) vs risk_total (OCA) on the same data =="
        )
        totals = {}
        for side in ("ours", "oca"):
            values, heavy = data[side]["exposures"], data[side]["heavy_partners"]
            totals[side] = [values[str(heavy[str(h)])] for h in HEAVY]
            totals[side].append(sum(values.values()) - sum(totals[side]))
        labels = [*(f"H={h}" for h in HEAVY), "first 50 customers"]
        for label, ours_v, oca_v in zip(
            labels, totals["ours"], totals["oca"], strict=True
        ):
            print(f"{label:>18}: ours {ours_v:14.2f}   OCA {oca_v:14.2f}")

    if "ours" in data:
        print(f"\n== Plan of credit_control's exposure query, H = {hi} customer ==")
        print("\n".join(data["ours"]["plan"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rebuild", action="store_true", help="recreate the bench databases"
    )
    parser.add_argument(
        "--repeat", type=int, default=20, help="confirmations per configuration"
    )
    parser.add_argument(
        "--side",
        choices=sorted(SIDES),
        action="append",
        help="measure only this side (repeatable)",
    )
    parser.add_argument(
        "--worker", choices=("generate", "measure"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        side = args.side[0]
        if args.worker == "generate":
            generate_data(side)
        else:
            print(json.dumps(measure(side, args.repeat)))
        return
    started = time.perf_counter()
    data = {}
    for side in args.side or SIDES:
        ensure_database(side, args.rebuild)
        log(f"measuring {side}")
        data[side] = worker(side, "measure", ["--repeat", str(args.repeat)])
    report(data, args.repeat)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
