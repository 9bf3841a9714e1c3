"""Benchmark the nightly scoring of credit_control: 10 000 and 100 000 customers.

Run with ``make bench``, ``bash scripts/bench.sh scoring [options]`` or
``/opt/odoo/venv-19.0/bin/python tests/bench/bench_scoring.py [--rebuild]
[--sizes 10000,100000] [--modes call,cron] [--profile]``.

One database per size, ``credit_bench_scoring_<size/1000>k_v<N>``: ``credit_control``
(its default scorecard and policy) and the data of ``generate_scoring.py`` (12 months
of invoices and payments, statements, ratings, yesterday's scores), built when missing
or when ``generate_scoring.DATA_VERSION`` changed (``--rebuild`` recreates them),
updated (``-u credit_control``) when the add-on changed since the last run.

Each measurement runs on a fresh copy of the database (dropped after), in a process of
its own that loads the registry and then scores every customer, so that its peak
memory is that size's; two ways (``--modes``):

* ``call``: ``credit.scoring._cron_score()`` called once as the cron's server action
  with a progress record and no time budget: every batch (``BATCH`` customers) scored
  and committed by ``ir.cron._commit_progress``;
* ``cron``: the real job (``ir_cron_credit_scoring``) run by ``method_direct_trigger``
  as a cron worker runs it, again and again until nothing is left: Odoo's cron gives a
  job 10 s and up to 10 calls of ``_cron_score`` per run before it yields, and each
  call starts over (finds whom to score, and their features).

Printed for each: the total time, split by timing the calls (methods wrapped by this
script, the add-on untouched): features SQL (``credit.scoring._credit_features``, per
provider, and ``_credit_scored_partners``, whom to score), evaluation
(``lib.scoring.evaluate`` and the grades' proposed limits), writes (the score lines:
``credit.score.history`` ``create`` or ``_credit_insert``; ``_credit_follow_up``; the
commits of ``_commit_progress`` with their flush), previous grades
(``_latest_grades``) and the rest; the queries and SQL time of each; Odoo's CPU time
and the load average (the machine is shared); the peak RSS of the process
(``ru_maxrss``) and its RSS once the registry is loaded; the verdict against 60 s and
1 GB at 100 000 customers.  ``--profile`` adds the cProfile of the ``call`` runs (top
30 by cumulative time).  Nothing asserted on time.
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tools as bt  # noqa: E402  (found through the path set just above)
import databases as dbs  # noqa: E402
import generate_scoring as gs  # noqa: E402

SIZES = (10_000, 100_000)
MODES = ("call", "cron")
TARGETS = {"seconds": 60.0, "megabytes": 1024.0, "customers": 100_000}
PROVIDERS = {
    "credit.payment.behaviour": "features: payment behaviour",
    "credit.financial.statement": "features: statements",
    "credit.external.rating": "features: ratings",
}
CATEGORIES = (
    "features: who to score",
    *PROVIDERS.values(),
    "features: merge",
    "evaluation",
    "previous grades",
    "writes: lines",
    "writes: follow-ups",
    "writes: commit",
    "other",
)


# The databases ----------------------------------------------------------------------


def db_name(size):
    return f"credit_bench_scoring_{size // 1000}k_v{gs.DATA_VERSION}"


def ensure_database(size, rebuild):
    db = db_name(size)
    version = bt.db_param(db, "credit_bench.scoring_data_version")
    if rebuild or version != gs.DATA_VERSION:
        dbs.log(f"building {db} (install credit_control, generate {size} customers)")
        with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{db}"')
        bt.odoo_bin(db, "-i", "credit_control")
        made = bt.worker(__file__, "generate", "--db", db, "--size", str(size))
        dbs.log(f"{db} built in {made.pop('seconds'):.0f} s: {made}")
        with contextlib.closing(dbs.pg(db)) as conn, conn.cursor() as cr:
            cr.execute("VACUUM ANALYZE")
    elif bt.db_param(db, "credit_bench.code") != dbs.code_fingerprint():
        dbs.log(f"credit_control changed since {db} was last used: updating it")
        bt.odoo_bin(db, "-u", "credit_control")
    bt.set_param(db, "credit_bench.code", dbs.code_fingerprint())


# Inside a worker --------------------------------------------------------------------


def generate_data(db, size):
    from odoo import SUPERUSER_ID, api

    start = time.perf_counter()
    with bt.open_registry(db).cursor() as cr:
        made = gs.build(api.Environment(cr, SUPERUSER_ID, {}), size, dbs.log)
    return {**made, "seconds": time.perf_counter() - start}


def rss_megabytes():
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def instrument(registry):
    from odoo.addons.credit_control.lib import scoring

    split = bt.Split()
    engine = registry["credit.scoring"]
    if hasattr(engine, "_credit_scored_partners"):  # the fixed add-on only
        split.wrap(engine, "_credit_scored_partners", "features: who to score")
    split.wrap(engine, "_credit_features", "features: merge")
    for model, category in PROVIDERS.items():
        split.wrap(registry[model], "_credit_features", category)
    split.wrap(scoring, "evaluate", "evaluation")
    split.wrap(registry["credit.grade"], "_proposed_limit", "evaluation")
    split.wrap(engine, "_latest_grades", "previous grades")
    history = registry["credit.score.history"]
    split.wrap(history, "create", "writes: lines")
    if hasattr(history, "_credit_insert"):  # the fixed add-on only
        split.wrap(history, "_credit_insert", "writes: lines")
    split.wrap(history, "_credit_follow_up", "writes: follow-ups")
    split.wrap(registry["ir.cron"], "_commit_progress", "writes: commit")
    return split


def run_call(registry, profiler):
    """``_cron_score()`` once, as the cron's action with a progress record and no
    time budget: all the batches, each committed."""
    from odoo import api

    with registry.cursor() as cr:
        cron_env = api.Environment(cr, 1, {})
        cron = cron_env.ref("credit_control.ir_cron_credit_scoring")
        cron, _progress = cron._add_progress()
        cr.commit()
        env = api.Environment(
            cr, cron.user_id.id, {"cron_id": cron.id, **cron.env.context}
        )
        if profiler:
            profiler.enable()
        env["credit.scoring"]._cron_score()
        if profiler:
            profiler.disable()
        cr.commit()
    return 1


def run_cron(registry):
    """The job run by a cron worker until no customer is left: the runs it took."""
    from odoo import api

    for runs in range(1, 1001):
        with registry.cursor() as cr:
            env = api.Environment(cr, 1, {})
            cron = env.ref("credit_control.ir_cron_credit_scoring")
            cron.method_direct_trigger()
            cr.commit()
            cr.execute(
                "SELECT remaining FROM ir_cron_progress WHERE cron_id = %s "
                "ORDER BY id DESC LIMIT 1",
                [cron.id],
            )
            if not cr.fetchone()[0]:
                return runs
    raise RuntimeError("the scoring job did not end in 1000 runs")


def measure(db, mode, profile):
    registry = bt.open_registry(db)
    with registry.cursor() as cr:
        cr.execute("SELECT now()")
        started_at = cr.fetchone()[0]
    baseline = rss_megabytes()
    split = instrument(registry)
    profiler = cProfile.Profile() if profile and mode == "call" else None
    load, cpu = os.getloadavg()[0], bt.cpu_seconds()
    with split:
        start = time.perf_counter()
        runs = run_call(registry, profiler) if mode == "call" else run_cron(registry)
        elapsed = time.perf_counter() - start
    cpu = bt.cpu_seconds() - cpu
    load = max(load, os.getloadavg()[0])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with registry.cursor() as cr:
        cr.execute(
            """SELECT (SELECT count(*) FROM credit_score_history
                        WHERE create_date >= %(at)s),
                      (SELECT count(*) FROM credit_score_history
                        WHERE create_date >= %(at)s AND insufficient),
                      (SELECT count(*) FROM mail_activity
                        WHERE create_date >= %(at)s)""",
            {"at": started_at},
        )
        scored, insufficient, activities = cr.fetchone()
    result = {
        "seconds": elapsed,
        "cpu": cpu,
        "load": load,
        "runs": runs,
        "split": split.result(CATEGORIES),
        "baseline_mb": baseline,
        "peak_mb": peak,
        "scored": scored,
        "insufficient": insufficient,
        "activities": activities,
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        result["profile"] = out.getvalue()
    return result


# Report -----------------------------------------------------------------------------


def verdict(met):
    return "MET" if met else "NOT MET"


def report(size, mode, r):
    total = r["seconds"]
    queries = sum(q for _s, q, _sql, _n in r["split"].values())
    sql = sum(s for _s, _q, s, _n in r["split"].values())
    runs = f", {r['runs']} job runs" if mode == "cron" else ""
    print(
        f"\n-- {size} customers, {mode}: {total:.1f} s{runs}; {r['scored']} scored "
        f"({r['insufficient']} on insufficient data), {r['activities']} review "
        f"activities; {queries} queries, {sql:.1f} s in SQL; Odoo's CPU "
        f"{r['cpu']:.1f} s (load average up to {r['load']:.1f} on {os.cpu_count()} "
        f"cores); RSS {r['baseline_mb']:.0f} MB once loaded, peak {r['peak_mb']:.0f} MB"
    )
    bt.print_split(r["split"], total)
    groups = defaultdict(float)
    for category, (seconds, *_rest) in r["split"].items():
        groups[category.split(":")[0]] += seconds
    print(
        "   split: "
        + ", ".join(f"{group} {seconds:.1f} s" for group, seconds in groups.items())
    )
    if size == TARGETS["customers"]:
        print(
            f"   target: {size} customers scored in under {TARGETS['seconds']:.0f} s: "
            f"{total:.1f} s -> {verdict(total < TARGETS['seconds'])}; peak memory "
            f"under 1 GB: {r['peak_mb']:.0f} MB -> "
            f"{verdict(r['peak_mb'] < TARGETS['megabytes'])}"
        )
    if r.get("profile"):
        print(r["profile"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="recreate the databases")
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="customers, comma-separated"
    )
    parser.add_argument("--modes", default=",".join(MODES), help="call, cron or both")
    parser.add_argument("--profile", action="store_true", help="cProfile the calls")
    parser.add_argument(
        "--worker", choices=("generate", "measure"), help=argparse.SUPPRESS
    )
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "generate":
        print(json.dumps(generate_data(args.db, args.size)))
        return
    if args.worker == "measure":
        print(json.dumps(measure(args.db, args.mode, args.profile)))
        return
    started = time.perf_counter()
    sizes = [int(s) for s in args.sizes.split(",")]
    modes = [m for m in MODES if m in args.modes.split(",")]
    for size in sizes:
        ensure_database(size, args.rebuild)
    results = {}
    for size in sizes:
        for mode in modes:
            with bt.copy_of(db_name(size)) as copy:
                dbs.log(f"scoring {size} customers ({mode}) on {copy}")
                options = ["--db", copy, "--mode", mode]
                if args.profile:
                    options.append("--profile")
                results[size, mode] = bt.worker(__file__, "measure", *options)
    print(
        f"Bench of {time.strftime('%Y-%m-%d %H:%M')}: the nightly scoring "
        f"(credit.scoring._cron_score), databases "
        + ", ".join(db_name(size) for size in sizes)
    )
    for (size, mode), r in results.items():
        report(size, mode, r)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
