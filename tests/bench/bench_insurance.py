"""Benchmark credit_insurance: the check at confirmation, coverage report, declaration.

Run with ``make bench`` (after ``bench_credit.py``), ``bash scripts/bench.sh
insurance [options]`` or ``/opt/odoo/venv-19.0/bin/python tests/bench/bench_insurance.py
[--rebuild] [--repeat 20] [--runs 3] [--no-pdf]``.

Its database ``credit_bench_insured_v<N>`` is a copy of ``credit_bench_ours_v<M>``
(``databases.py``, built when missing) with ``credit_insurance`` and the data of
``generate_insured.py``: built when missing or when ours was rebuilt (``--rebuild``
recreates it), updated when credit_control or credit_insurance changed.

It prints each figure next to its target and asserts nothing on time: a. a
salesperson (not sudo) confirming the one-line quotation of the heavy customers (H =
10 and 10 000), credit_control alone (``ours``) vs with the insurance reasons
(``insured``), interleaved in one process holding both registries, each on a fresh
cursor, flush included, rolled back: medians, the median of the paired differences
(target <= 1 ms), the queries, the plans of the exposure query; b. the coverage report
of the insured buyers (``_create_for``, target < 2 s), its XLSX and PDF (no target);
c. the declaration of the previous month (``_prepare_for``), premium on turnover
(target < 3 s) and on balance; with where b. and c. spend their SQL time and the plan
of their slowest query.
"""

import argparse
import contextlib
import hashlib
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_credit as bc  # noqa: E402  (found through the path set just above)
import databases as dbs  # noqa: E402
import generate  # noqa: E402
import generate_insured as gi  # noqa: E402

DB = f"credit_bench_insured_v{gi.DATA_VERSION}"
SIDES = ("ours", "insured")
TARGETS = {"check_ms": 1.0, "report_s": 2.0, "declaration_s": 3.0}


# The database ---------------------------------------------------------------------


def db_param(key):
    """An ir.config_parameter of the insured database; None if it has none."""
    with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB])
        if not cr.fetchone():
            return None
    with contextlib.closing(dbs.pg(DB)) as conn, conn.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
        row = cr.fetchone()
        return row and row[0]


def code_fingerprint():
    digest = hashlib.sha1()
    for addon in ("credit_control", "credit_insurance"):
        for path in sorted((dbs.ROOT / addon).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".xml", ".csv"}:
                digest.update(path.read_bytes())
    return digest.hexdigest()


def odoo_bin(*args):
    cmd = [sys.executable, str(dbs.ODOO_SRC / "odoo-bin"), "-d", DB, *dbs.DB_ARGS]
    cmd += [f"--addons-path={dbs.ADDONS_PATH}", "--stop-after-init", "--log-level=warn"]
    subprocess.run([*cmd, *args], check=True)


def ensure_insured(rebuild):
    """Copy ours and install credit_insurance when needed: whether to build()."""
    dbs.ensure_database("ours", False)  # builds it when missing (about 8 minutes)
    # a copy keeps the uuid of ours: another one means that ours was rebuilt since
    built = [db_param(k) for k in ("credit_bench.insured_version", "database.uuid")]
    fresh = rebuild or built != [gi.DATA_VERSION, dbs.param("ours", "database.uuid")]
    if fresh:
        ours = dbs.db_name("ours")
        dbs.log(f"building {DB}: a copy of {ours} with credit_insurance")
        with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{DB}"')
            cr.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{ours}"')
        odoo_bin("-i", "credit_insurance")
    elif db_param("credit_bench.insured_code") != code_fingerprint():
        dbs.log(f"credit_control or credit_insurance changed: updating {DB}")
        odoo_bin("-u", "credit_control,credit_insurance")
    with contextlib.closing(dbs.pg(DB)) as conn, conn.cursor() as cr:
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) "
            "VALUES ('credit_bench.insured_code', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [code_fingerprint()],
        )
    return fresh


# Measurements ---------------------------------------------------------------------


def logged(capture):
    """The (seconds, query, params) of a QueryLog."""
    return zip(capture.seconds, capture.queries, capture.params, strict=True)


def label(query):
    """What a logged query does, to group their time."""
    if "WITH family" in query[:100]:
        return "the exposure query"
    kind, table = bc.statement(query)
    return f"{kind} {'(subquery)' if table.startswith('(') else table.strip(chr(34))}"


def reads(capture):
    """The logged queries that only read, which EXPLAIN ANALYZE may run again."""
    return [
        entry
        for entry in logged(capture)
        if not entry[1].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def exposure_query(capture):
    return max(entry for entry in logged(capture) if "WITH family" in entry[1][:40])


def explain(registry, entry):
    """EXPLAIN (ANALYZE, BUFFERS) of a logged query, with the settings (JIT, working
    memory) the code gave it."""
    _seconds, query, params = entry
    with registry.cursor() as cr:
        while query.startswith("SET LOCAL "):
            setting, query = query.split(";", 1)
            cr.execute(setting)
            query = query.lstrip()
        cr.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}", params)
        plan = [row[0] for row in cr.fetchall()]
        cr.rollback()
    return plan


NODE = re.compile(r"actual time=[\d.]+\.\.([\d.]+) rows=\d+ loops=(\d+)")


def heavy_nodes(plan, share=0.1):
    """The plan's nodes that took ``share`` of its execution time or more (the time
    of one loop times the loops), with their details."""
    total = next(float(line.split()[-2]) for line in plan if "Execution Time" in line)
    kept, keep = [], True
    for line in plan:
        node = NODE.search(line)
        if node:
            spent = float(node.group(1)) * int(node.group(2))
            keep = spent >= share * total
            if keep and int(node.group(2)) > 1:
                line += f"  [{spent:.1f} ms over its loops]"
        if keep or line.lstrip().startswith(("Planning", "Execution", "JIT")):
            kept.append(line)
    return kept


def measure_check(registries, repeat):
    """a. The salesperson's confirmation, ours vs insured, interleaved."""
    from odoo import SUPERUSER_ID, api

    orders, uid = {}, {}
    for side, registry in registries.items():
        uid[side] = bc.login_uid(registry, generate.sales_login(0))
        with registry.cursor() as cr:
            Order = api.Environment(cr, SUPERUSER_ID, {})["sale.order"]
            for h in dbs.HEAVY:
                ref = f"bench-h{h}"
                orders[side, h] = Order.search([("client_order_ref", "=", ref)]).id
    samples, sql, queries, last = defaultdict(list), defaultdict(list), {}, {}
    for round_ in range(repeat + 3):  # the first 3 rounds warm the caches up
        for h in dbs.HEAVY:
            for side in SIDES if round_ % 2 == 0 else SIDES[::-1]:
                capture = bc.QueryLog()
                task = bc.confirm(orders[side, h], False, capture)
                elapsed, count = bc.on_fresh_cursor(registries[side], uid[side], task)
                if round_ >= 3:
                    samples[h, side].append(elapsed)
                    sql[h, side].append(exposure_query(capture)[0])
                    queries[h, side], last[h, side] = count, capture
    dbs.log("check at confirmation done")
    result = {"plan": {}}
    for h in dbs.HEAVY:
        pairs = zip(samples[h, "insured"], samples[h, "ours"], strict=True)
        result[h] = {side: bc.stats(samples[h, side]) for side in SIDES}
        result[h]["paired"] = statistics.median(i - o for i, o in pairs)
        result[h]["queries"] = {side: queries[h, side] for side in SIDES}
        result[h]["sql"] = {side: statistics.median(sql[h, side]) for side in SIDES}
    for (h, side), capture in last.items():
        result["plan"][h, side] = explain(registries[side], exposure_query(capture))
    for h, alone in measure_check_alone(registries, uid, orders).items():
        result[h]["alone"] = alone
    return result


def measure_check_alone(registries, uid, orders, pairs=bc.GROUP_CHECK_PAIRS):
    """The check alone (``order._credit_run()``: the exposure query, the judgement
    and the rules), ours vs insured, interleaved in ``pairs`` rounds on one cursor
    each, each run in a savepoint rolled back, caches cleared: per H, the medians and
    the median of the paired differences in ms (the whole confirmation varies by
    more than the target between runs)."""
    from odoo import api

    cursors = {side: registries[side].cursor() for side in SIDES}
    try:
        result = {}
        for h in dbs.HEAVY:
            times = {side: [] for side in SIDES}
            for round_ in range(pairs + 5):  # the first 5 warm the caches up
                for side in SIDES if round_ % 2 == 0 else SIDES[::-1]:
                    env = api.Environment(cursors[side], uid[side], {})
                    elapsed = bc.time_check(env, orders[side, h])
                    if round_ >= 5:
                        times[side].append(elapsed)
            pairs_ = zip(times["insured"], times["ours"], strict=True)
            result[h] = {
                **{side: statistics.median(times[side]) for side in SIDES},
                "paired": statistics.median(i - o for i, o in pairs_),
                "pairs": pairs,
            }
        return result
    finally:
        for cr in cursors.values():
            cr.rollback()
            cr.close()


def timed(registry, runs, task, describe, setup=None):
    """``task(env)`` as superuser on fresh cursors rolled back, flush included, a
    warm-up then ``runs`` times: its times, ``describe`` of its last result, where
    that run spent its SQL time (per statement and table) and its slowest query's
    plan."""
    from odoo import SUPERUSER_ID

    def run(env):
        if setup:
            setup(env)
        with bc.QueryLog() as capture:
            start = time.perf_counter()
            result = task(env)
            env.cr.flush()
            elapsed = time.perf_counter() - start
        return elapsed, describe(result), capture

    samples = [bc.on_fresh_cursor(registry, SUPERUSER_ID, run) for _ in range(runs + 1)]
    _elapsed, described, capture = samples[-1]
    spent = defaultdict(lambda: [0, 0.0])
    for seconds, query, _params in logged(capture):
        spent[label(query)][0] += 1
        spent[label(query)][1] += seconds
    return {
        "time": bc.stats([s[0] for s in samples[1:]]),
        **described,
        "queries": len(capture.queries),
        "sql": sum(capture.seconds),
        "top": sorted(spent.items(), key=lambda item: -item[1][1])[:4],
        "plan": explain(registry, max(reads(capture))),
    }


def measure_report(registry, policy_id, runs, pdf):
    """b. The coverage report of the policy, then its XLSX and PDF."""
    from odoo import SUPERUSER_ID

    def create(env):
        policy = env["credit.insurance.policy"].browse(policy_id)
        return env["credit.insurance.coverage.report"].sudo()._create_for(policy)

    result = timed(registry, runs, create, lambda r: {"lines": r.line_count})
    dbs.log("coverage report done")

    def files(env):
        report, name = create(env), "credit_insurance.action_report_coverage"
        env.cr.flush()
        Report, out = env["ir.actions.report"], {}
        renders = {"XLSX (_xlsx_content)": lambda: [report._xlsx_content()]}
        if pdf:
            for kind in ("html", "pdf"):
                render = getattr(Report, f"_render_qweb_{kind}")
                renders[f"{kind.upper()} (_render_qweb_{kind})"] = (
                    lambda render=render: render(name, report.ids)
                )
        for label, render in renders.items():
            start = time.perf_counter()
            content = render()[0]
            out[label] = time.perf_counter() - start, len(content)
        return out

    result["files"] = bc.on_fresh_cursor(registry, SUPERUSER_ID, files)
    dbs.log("coverage report files done")
    return result


def measure_declaration(registry, policy_id, basis, runs):
    """c. The declaration of the previous month, premium on ``basis``."""
    from odoo import fields

    def setup(env):
        env.cr.execute(
            "UPDATE credit_insurance_policy SET premium_basis = %s WHERE id = %s",
            [basis, policy_id],
        )
        env.invalidate_all()

    def prepare(env):
        policy = env["credit.insurance.policy"].browse(policy_id)
        today = fields.Date.context_today(env.user)
        return env["credit.insurance.declaration"].sudo()._prepare_for(policy, today)

    def describe(declaration):
        period = f"{declaration.date_from} .. {declaration.date_to}"
        lines, amount = len(declaration.line_ids), declaration.amount_total
        return {"lines": lines, "amount": amount, "period": period}

    result = timed(registry, runs, prepare, describe, setup)
    dbs.log(f"declaration on {basis} done")
    return result


def counts(registry, policy_id):
    """Insured buyers, open invoices (of the regular customers) and those of the
    month declared."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        first, last = gi.previous_month(env)
        cr.execute(
            f"""SELECT (SELECT count(*) FROM credit_insurance_cover
                         WHERE policy_id = %s AND state IN ('approved', 'partial')),
                       count(*) FILTER (WHERE {gi.OPEN}),
                       count(*) FILTER (WHERE {gi.OPEN} AND partner_id = ANY(%s)),
                       count(*) FILTER (WHERE state = 'posted'
                           AND move_type IN ('out_invoice', 'out_refund')
                           AND invoice_date BETWEEN %s AND %s)
                  FROM account_move""",
            [policy_id, gi.regular_customers(env), first, last],
        )
        return (*cr.fetchone(), f"{first} .. {last}")


# Report ---------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def verdict(met):
    return "MET" if met else "NOT MET"


def print_plan(title, plan):
    print(f"{title} (nodes taking 10 % of its time or more):")
    print("\n".join(f"    {line}" for line in heavy_nodes(plan)))


def report_check(data, repeat):
    print(
        "\n== a. A salesperson confirms a one-line quotation: credit_control alone "
        f"(ours) vs with the insurance reasons (insured); {repeat} interleaved runs "
        "each, fresh cursor, flush included, rolled back =="
    )
    print(
        f"{'H':>6} | {'ours med':>11} {'p90':>11} | {'insured med':>11} {'p90':>11} "
        f"| {'diff of medians':>15} {'paired diff':>11} | queries | "
        "exposure query ours / insured (median)"
    )
    for h in dbs.HEAVY:
        r = data[h]
        o, i, q, s = r["ours"], r["insured"], r["queries"], r["sql"]
        print(
            f"{h:6d} | {ms(o['median'])} {ms(o['p90'])} | {ms(i['median'])} "
            f"{ms(i['p90'])} | {ms(i['median'] - o['median']):>15} "
            f"{ms(r['paired']):>11} | {q['ours']:3d}/{q['insured']:<3d} | "
            f"{ms(s['ours'])} / {ms(s['insured'])}"
        )
    for h in dbs.HEAVY:
        paired, q = data[h]["paired"] * 1000, data[h]["queries"]
        print(
            f"target: the insurance reasons add at most {TARGETS['check_ms']:.0f} ms "
            f"at H = {h}: {paired:+.1f} ms (median of the paired differences) -> "
            f"{verdict(paired <= TARGETS['check_ms'])}; queries {q['ours']} vs "
            f"{q['insured']} -> {'same' if q['ours'] == q['insured'] else 'NOT same'}"
        )
    for h in dbs.HEAVY:
        alone = data[h]["alone"]
        print(
            f"the check alone at H = {h} (order._credit_run(), {alone['pairs']} "
            f"interleaved pairs): ours {alone['ours']:.2f} ms, insured "
            f"{alone['insured']:.2f} ms, paired median {alone['paired']:+.2f} ms -> "
            f"{verdict(alone['paired'] <= TARGETS['check_ms'])}"
        )
    for (h, side), plan in sorted(data["plan"].items()):
        times = [
            line.strip()
            for line in plan
            if line.startswith(("Planning T", "Execution T"))
        ]
        print(f"exposure query of {side} at H = {h}: " + ", ".join(times))
    for side in SIDES:
        title = f"\nPlan of the exposure query of {side} at H = {dbs.HEAVY[-1]}"
        print_plan(title, data["plan"][dbs.HEAVY[-1], side])


def print_timed(label, r, target=None):
    t = r["time"]
    goal = "(no target)"
    if target:
        goal = f"(target < {target} s) -> {verdict(t['median'] < target)}"
    top = (f"{what} x{n} {ms(s).strip()}" for what, (n, s) in r["top"])
    print(
        f"{label}: median {ms(t['median'])}, max {ms(t['p90'])} "
        f"{goal}; {r['queries']} queries, "
        f"{ms(r['sql']).strip()} in SQL, most in: " + ", ".join(top)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help=f"recreate {DB}")
    parser.add_argument("--repeat", type=int, default=20, help="confirmations each")
    parser.add_argument("--runs", type=int, default=3, help="runs of b. and c.")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    parser.add_argument("--rounds", help=argparse.SUPPRESS)  # bench_credit.py's
    args = parser.parse_args()
    started = time.perf_counter()
    fresh = ensure_insured(args.rebuild)
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    registries = dbs.open_registries(["ours"])
    registries["insured"] = insured = Registry(DB)
    if fresh:
        with insured.cursor() as cr:
            built = gi.build(api.Environment(cr, SUPERUSER_ID, {}), dbs.log)
            dbs.log(f"{DB} built: {built}")
        with insured.cursor() as cr:
            cr.execute("ANALYZE")
    policy_id = int(db_param("credit_bench.insured_policy"))
    dbs.log("measuring")
    check = measure_check(registries, args.repeat)
    coverage = measure_report(insured, policy_id, args.runs, not args.no_pdf)
    declaration = {
        basis: measure_declaration(insured, policy_id, basis, args.runs)
        for basis in ("turnover", "balance")
    }
    buyers, open_all, open_regular, month, period = counts(insured, policy_id)
    print(
        f"Bench of {time.strftime('%Y-%m-%d %H:%M')}: databases "
        f"{dbs.db_name('ours')} and {DB}\n{buyers} insured buyers (approved covers); "
        f"{open_all} open customer invoices, {open_regular} of them of the 10 000 "
        f"regular customers; {month} customer invoices in the month declared "
        f"({period})"
    )
    report_check(check, args.repeat)
    runs = (
        f"superuser; median of {args.runs} after a warm-up, fresh cursor, flush "
        "included, rolled back"
    )
    print(f"\n== b. Coverage report of the {coverage['lines']} buyers ({runs}) ==")
    print_timed("_create_for(policy)", coverage, TARGETS["report_s"])
    for label, (seconds, size) in coverage["files"].items():
        print(f"{label}, once: {ms(seconds)}, {size} bytes (no target)")
    if not args.no_pdf:
        print("(the PDF without an Odoo server: wkhtmltopdf cannot load the assets)")
    print_plan("Plan of its slowest query", coverage["plan"])
    print(f"\n== c. Declaration of the previous month, _prepare_for ({runs}) ==")
    for basis, r in declaration.items():
        label = f"{basis}, {r['period']}: {r['lines']} buyers, {r['amount']:,.2f}"
        target = TARGETS["declaration_s"] if basis == "turnover" else None
        print_timed(label, r, target)
    for basis, r in declaration.items():
        print_plan(f"Plan of the slowest query on {basis}", r["plan"])
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
