"""Benchmark the daily dunning run of credit_control and the ageing report.

Run with ``bash scripts/bench.sh dunning [options]`` or
``/opt/odoo/venv-19.0/bin/python tests/bench/bench_dunning.py [--rebuild]
[--levels 5] [--budget SECONDS] [--profile] [--runs 5]``.

Its database ``credit_bench_dunning_v<N>`` is a copy of ``credit_bench_ours_v<M>``
(``databases.py``, built when missing, never changed here) with the data of
``generate_dunning.py``: 100 000 open invoices of 10 000 customers, all with an
email.  It is built when missing or when ours was rebuilt (``--rebuild`` recreates it)
and updated (``-u credit_control``) when the add-on changed since its last use.

Every measurement runs on a fresh copy of it (``<db>_run``, dropped after), each run
in a process of its own that loads the registry, so that its peak RSS (``ru_maxrss``)
is that run's.  The run is the daily action's (``credit.dunning.run._run`` with
``in_cron``, in the cron's environment with a progress record: batches of customers
committed by ``ir.cron._commit_progress``), on day D, 100 days after the latest due
date, so that every open invoice is overdue; then on D + 7, D + 14, D + 21 and D + 35
on the same copy (``--levels``), each moving the invoices one level up: emails, emails,
letters and calls, emails and credit holds, letters and escalations.  The mails are
queued in ``mail.mail`` and never sent (no mail queue is run).  Printed for each run:
the time split by timing the calls (methods wrapped here, the add-on untouched), the
queries, the peak RSS, and what it created.  ``--budget`` gives the run the cron's
time budget (it stops after the batch that exceeds it: the total is then extrapolated
from the customers done).  Then the ageing report (``credit.ageing._refresh``, median
of ``--runs``) and, for information, the DSO of the year (``credit.dso._refresh``).
Targets: the run of day D under 60 s, the ageing under 1 s, peak under 1 GB; nothing
asserted on time.
"""

import argparse
import contextlib
import cProfile
import io
import json
import pstats
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_tools as bt  # noqa: E402  (found through the path set just above)
import databases as dbs  # noqa: E402
import generate  # noqa: E402
import generate_dunning as gd  # noqa: E402

DB = f"credit_bench_dunning_v{gd.DATA_VERSION}"
TARGETS = {"run_s": 60.0, "ageing_s": 1.0, "peak_mb": 1024.0}
# Days after D of the successive runs, and what their level does.
STEPS = (
    (0, "level 1: emails"),
    (7, "level 2: emails"),
    (14, "level 3: letters and calls"),
    (21, "level 4: emails and credit holds"),
    (35, "level 5: letters and escalations"),
)
LAG = 100  # days between the latest due date and D
WRAPPED = (  # (model, method, category)
    ("credit.dunning.run", "_items", "planning: query"),
    ("credit.dunning.run", "_plan", "planning: lib and the rest"),
    ("credit.dunning", "create", "communications: create"),
    ("credit.dunning.run", "_process", "communications: levels, states"),
    ("credit.dunning", "_send_emails", "emails: queueing"),
    ("mail.template", "_generate_template", "emails: rendering"),
    ("ir.actions.report", "_credit_start_rendering", "emails: statement PDF"),
    ("ir.actions.report", "_credit_pdf_pages", "emails: statement PDF"),
    ("ir.actions.report", "_render_qweb_pdf", "emails: statement PDF"),
    ("ir.attachment", "create", "emails: statement attachments"),
    ("mail.mail", "create", "emails: queueing"),
    ("credit.dunning", "_invoice_charges", "actions: charges invoiced"),
    ("credit.dunning", "_credit_log_sent", "communications: customers' notes"),
    ("credit.dunning", "_schedule_calls", "actions: activities"),
    ("credit.dunning", "_escalate", "actions: activities"),
    ("credit.dunning", "_place_hold", "actions: holds"),
    ("credit.dunning.run", "_lift_holds", "actions: holds"),
    ("ir.cron", "_commit_progress", "commits"),
)
CATEGORIES = tuple(dict.fromkeys(c for _m, _f, c in WRAPPED)) + ("other",)


# The database -----------------------------------------------------------------------


def ensure_dunning(rebuild):
    """Copy ours and add the data when needed; update the copy when the add-on
    changed.  Ours is only built when missing, never updated here."""
    if dbs.param("ours", "credit_bench.data_version") != generate.DATA_VERSION:
        dbs.ensure_database("ours", False)
    # a copy keeps the uuid of ours: another one means that ours was rebuilt since
    built = [
        bt.db_param(DB, k) for k in ("credit_bench.dunning_version", "database.uuid")
    ]
    fresh = rebuild or built != [gd.DATA_VERSION, dbs.param("ours", "database.uuid")]
    if fresh:
        ours = dbs.db_name("ours")
        dbs.log(f"building {DB}: a copy of {ours} with the dunning data")
        with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{DB}"')
            cr.execute(f'CREATE DATABASE "{DB}" TEMPLATE "{ours}"')
    if fresh or bt.db_param(DB, "credit_bench.code") != dbs.code_fingerprint():
        dbs.log(f"updating credit_control in {DB}")
        bt.odoo_bin(DB, "-u", "credit_control")
        bt.set_param(DB, "credit_bench.code", dbs.code_fingerprint())
    if fresh:
        made = bt.worker(__file__, "generate", "--db", DB)
        dbs.log(f"{DB} built: {made}")
        with contextlib.closing(dbs.pg(DB)) as conn, conn.cursor() as cr:
            cr.execute("VACUUM ANALYZE")


# Inside a worker --------------------------------------------------------------------


def generate_data(db):
    from odoo import SUPERUSER_ID, api

    with bt.open_registry(db).cursor() as cr:
        return gd.build(api.Environment(cr, SUPERUSER_ID, {}), dbs.log)


def run_day(db, today, budget, profile, batch):
    """The daily action's run on ``today``, as the cron runs it; ``batch``
    customers per transaction instead of the add-on's ``BATCH`` when given."""
    from odoo import api, fields

    registry = bt.open_registry(db)
    if batch:
        from odoo.addons.credit_control.models import credit_dunning_run

        credit_dunning_run.BATCH = batch
    split = bt.Split()
    for model, method, category in WRAPPED:
        split.wrap(registry[model], method, category)
    profiler = cProfile.Profile() if profile else None
    with registry.cursor() as cr:
        cr.execute("SELECT now(), (SELECT count(*) FROM ir_mail_server)")
        started_at, mail_servers = cr.fetchone()
        cron = api.Environment(cr, 1, {}).ref("credit_control.ir_cron_credit_dunning")
        cron, progress = cron._add_progress()
        cr.commit()
        context = {"cron_id": cron.id, **cron.env.context}
        if budget:
            context["cron_end_time"] = time.monotonic() + budget
        env = api.Environment(cr, cron.user_id.id, context)
        company = env["res.company"].search([("credit_check_active", "=", True)])
        cpu = bt.cpu_seconds()
        with split:
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            run = env["credit.dunning.run"].sudo().with_company(company)
            run = run._run(company, fields.Date.to_date(today), in_cron=True)
            if profiler:
                profiler.disable()
            state = run.state
            cr.commit()
            elapsed = time.perf_counter() - start
        cpu = bt.cpu_seconds() - cpu
        cr.execute(
            """SELECT (SELECT count(*) FROM credit_dunning WHERE create_date >= %(at)s),
                      (SELECT count(*) FROM credit_dunning_line
                        WHERE create_date >= %(at)s),
                      (SELECT count(*) FROM mail_mail WHERE create_date >= %(at)s
                          AND state = 'outgoing'),
                      (SELECT count(*) FROM mail_mail WHERE state = 'sent'),
                      (SELECT count(*) FROM ir_attachment WHERE create_date >= %(at)s),
                      (SELECT count(*) FROM mail_activity WHERE create_date >= %(at)s),
                      (SELECT count(*) FROM credit_block WHERE create_date >= %(at)s),
                      (SELECT count(*) FROM credit_dunning WHERE state = 'failed'
                          AND create_date >= %(at)s),
                      (SELECT done FROM ir_cron_progress WHERE id = %(progress)s),
                      (SELECT done + remaining FROM ir_cron_progress
                        WHERE id = %(progress)s)""",
            {"at": started_at, "progress": progress.id},
        )
        names = "communications lines mails sent attachments activities blocks failed"
        names = (*names.split(), "done", "customers")
        counts = dict(zip(names, cr.fetchone(), strict=True))
    result = {
        "today": today,
        "seconds": elapsed,
        "cpu": cpu,
        "state": state,
        "mail_servers": mail_servers,
        "split": split.result(CATEGORIES),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        **counts,
    }
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
        result["profile"] = out.getvalue()
    return result


def reports(db, as_of, runs):
    """The ageing at ``as_of`` and the DSO of the year to it, each on a fresh
    cursor rolled back, a warm-up then ``runs`` times."""
    from odoo import SUPERUSER_ID, api, fields

    registry = bt.open_registry(db)
    as_of = fields.Date.to_date(as_of)
    tasks = {
        "ageing": lambda env, company: env["credit.ageing"]._refresh(company, as_of),
        "dso": lambda env, company: env["credit.dso"]._refresh(
            company, as_of - timedelta(days=364), as_of
        ),
    }
    result = {}
    for name, task in tasks.items():
        samples = []
        for _ in range(runs + 1):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                company = env["res.company"].search([("credit_check_active", "=", 1)])
                start = time.perf_counter()
                task(env, company)
                env.flush_all()
                samples.append(time.perf_counter() - start)
                cr.execute(f"SELECT count(*) FROM credit_{name}")
                rows = cr.fetchone()[0]
                cr.rollback()
        result[name] = {"samples": samples[1:], "rows": rows}
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def without_statement(db):
    """The dunning emails of ``db`` without their statement PDF attached."""
    with contextlib.closing(dbs.pg(db)) as conn, conn.cursor() as cr:
        cr.execute(
            "DELETE FROM mail_template_ir_actions_report_rel WHERE mail_template_id "
            "IN (SELECT id FROM mail_template WHERE model = 'credit.dunning')"
        )


def run_date(db):
    with contextlib.closing(dbs.pg(db)) as conn, conn.cursor() as cr:
        cr.execute(
            f"SELECT max(invoice_date_due) + {LAG}, current_date, count(*) "
            f"FROM account_move WHERE {gd.OPEN}"
        )
        return cr.fetchone()


# Report -----------------------------------------------------------------------------


def verdict(met):
    return "MET" if met else "NOT MET"


def report_run(label, r):
    total = r["seconds"]
    queries = sum(q for _s, q, _sql, _n in r["split"].values())
    sql = sum(s for _s, _q, s, _n in r["split"].values())
    partial = r["done"] < r["customers"]
    print(
        f"\n-- {label}, run of {r['today']}: {total:.1f} s (state {r['state']}), "
        f"{r['done']} of {r['customers']} customers; {r['communications']} "
        f"communications of {r['lines']} lines, {r['failed']} failed; {r['mails']} "
        f"mails queued ({r['sent']} sent, {r['mail_servers']} mail servers), "
        f"{r['attachments']} attachments, {r['activities']} activities, "
        f"{r['blocks']} credit blocks; {queries} queries, {sql:.1f} s in SQL; CPU "
        f"{r['cpu']:.1f} s; peak RSS {r['peak_mb']:.0f} MB"
    )
    if partial and r["done"]:
        print(
            f"   stopped by the time budget: all {r['customers']} customers at this "
            f"pace would take {total * r['customers'] / r['done']:.0f} s"
        )
    bt.print_split(r["split"], total)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help=f"recreate {DB}")
    parser.add_argument("--levels", type=int, default=len(STEPS), help="runs, 1-5")
    parser.add_argument("--budget", type=float, help="the cron's time budget, s")
    parser.add_argument("--profile", action="store_true", help="cProfile the runs")
    parser.add_argument("--batch", type=int, help="customers per transaction")
    parser.add_argument(
        "--no-pdf", action="store_true", help="emails without the statement PDF"
    )
    parser.add_argument("--runs", type=int, default=5, help="of the ageing and DSO")
    parser.add_argument("--worker", choices=("generate", "run", "reports"))
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--today", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "generate":
        print(json.dumps(generate_data(args.db)))
        return
    if args.worker == "run":
        result = run_day(args.db, args.today, args.budget, args.profile, args.batch)
        print(json.dumps(result))
        return
    if args.worker == "reports":
        print(json.dumps(reports(args.db, args.today, args.runs)))
        return
    started = time.perf_counter()
    ensure_dunning(args.rebuild)
    day, today, open_invoices = run_date(DB)
    runs = {}
    with bt.copy_of(DB) as copy:
        if args.no_pdf:
            without_statement(copy)
        for offset, label in STEPS[: args.levels]:
            date = str(day + timedelta(days=offset))
            dbs.log(f"dunning run of {date} ({label}) on {copy}")
            options = ["--db", copy, "--today", date]
            options += ["--budget", str(args.budget)] if args.budget else []
            options += ["--profile"] if args.profile else []
            options += ["--batch", str(args.batch)] if args.batch else []
            runs[label] = bt.worker(__file__, "run", *options)
        dbs.log("ageing and DSO")
        options = ["--db", copy, "--today", str(today), "--runs", str(args.runs)]
        figures = bt.worker(__file__, "reports", *options)
    open_dunned = bt.db_param(DB, "credit_bench.dunning_open_invoices")
    print(
        f"Bench of {time.strftime('%Y-%m-%d %H:%M')}: the daily dunning run "
        f"(credit.dunning.run._run, in_cron) on copies of {DB}: {open_invoices} open "
        f"customer invoices, {open_dunned} "
        f"of them of the {bt.db_param(DB, 'credit_bench.dunning_customers')} customers "
        f"dunned; runs from D = {day}"
    )
    for label, r in runs.items():
        report_run(label, r)
        if r.get("profile"):
            print(r["profile"])
    first = runs[STEPS[0][1]]
    # a run stopped by --budget: its pace over all the customers
    first_s = first["seconds"] * first["customers"] / max(first["done"], 1)
    peak = max([r["peak_mb"] for r in runs.values()] + [figures["peak_mb"]])
    ageing = statistics.median(figures["ageing"]["samples"])
    dso = statistics.median(figures["dso"]["samples"])
    print(
        f"\n-- Ageing at {today} (credit.ageing._refresh, {figures['ageing']['rows']} "
        f"rows): median of {args.runs} {ageing * 1000:.0f} ms, max "
        f"{max(figures['ageing']['samples']) * 1000:.0f} ms; DSO of the year "
        f"(credit.dso._refresh, {figures['dso']['rows']} rows, for information): "
        f"median {dso * 1000:.0f} ms; peak RSS {figures['peak_mb']:.0f} MB"
    )
    print(
        f"\ntargets: the run of D over {open_dunned} invoices of "
        f"{first['customers']} customers under {TARGETS['run_s']:.0f} s: "
        f"{first_s:.1f} s{' (extrapolated)' if first['state'] != 'done' else ''} "
        f"-> {verdict(first_s < TARGETS['run_s'])}"
        f"; slowest run {max(r['seconds'] for r in runs.values()):.1f} s; ageing under "
        f"{TARGETS['ageing_s'] * 1000:.0f} ms: {ageing * 1000:.0f} ms -> "
        f"{verdict(ageing < TARGETS['ageing_s'])}; peak memory under 1 GB: "
        f"{peak:.0f} MB -> {verdict(peak < TARGETS['peak_mb'])}"
    )
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
