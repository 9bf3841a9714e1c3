"""What the benchmarks that run on fresh copies of a database share: its parameters,
odoo-bin on it, the copies, the worker processes and where their time goes."""

import contextlib
import functools
import json
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict

import databases as dbs


def db_param(db, key):
    """An ir.config_parameter of ``db``; None if it has none or does not exist."""
    with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        if not cr.fetchone():
            return None
    with contextlib.closing(dbs.pg(db)) as conn, conn.cursor() as cr:
        cr.execute("SELECT to_regclass('ir_config_parameter')")
        if not cr.fetchone()[0]:
            return None
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
        row = cr.fetchone()
        return row and row[0]


def set_param(db, key, value):
    with contextlib.closing(dbs.pg(db)) as conn, conn.cursor() as cr:
        cr.execute(
            "INSERT INTO ir_config_parameter (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, value],
        )


def odoo_bin(db, *args):
    cmd = [sys.executable, str(dbs.ODOO_SRC / "odoo-bin"), "-d", db, *dbs.DB_ARGS]
    cmd += [f"--addons-path={dbs.ADDONS_PATH}", "--stop-after-init", "--log-level=warn"]
    subprocess.run([*cmd, *args], check=True)


def worker(script, *options):
    """Run ``script --worker ...``; its JSON answer (last line of its output)."""
    cmd = [sys.executable, str(script), "--worker", *options]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@contextlib.contextmanager
def copy_of(db):
    """A fresh copy of ``db``, dropped afterwards: every measurement starts from the
    same data, whatever the previous one wrote."""
    copy = f"{db}_run"
    with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
        cr.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cr.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{db}" STRATEGY FILE_COPY')
    try:
        yield copy
    finally:
        with contextlib.closing(dbs.pg()) as conn, conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{copy}"')


def open_registry(db):
    import odoo
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={dbs.ADDONS_PATH}", *dbs.DB_ARGS, "--log-level=warn"],
        setup_logging=True,
    )
    return odoo.modules.registry.Registry(db)


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Split:
    """Where the time and the queries go: each wrapped call counts for its category
    (exclusive of the wrapped calls within it), the rest for ``other``."""

    def __init__(self):
        self.seconds = defaultdict(float)
        self.queries = defaultdict(int)
        self.sql = defaultdict(float)
        self.calls = defaultdict(int)
        self.stack = ["other"]
        self.mark = time.perf_counter()

    def switch(self, category=None):
        now = time.perf_counter()
        self.seconds[self.stack[-1]] += now - self.mark
        self.mark = now
        if category:
            self.stack.append(category)
            self.calls[category] += 1
        else:
            self.stack.pop()

    def wrap(self, owner, name, category):
        original = getattr(owner, name)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self.switch(category)
            try:
                return original(*args, **kwargs)
            finally:
                self.switch()

        setattr(owner, name, timed)

    def hook(self, cr, query, params, start, delay):
        self.queries[self.stack[-1]] += 1
        self.sql[self.stack[-1]] += delay

    def result(self, categories):
        """{category: [seconds, queries, seconds in SQL, calls]}"""
        return {
            c: [self.seconds[c], self.queries[c], self.sql[c], self.calls[c]]
            for c in categories
        }

    def __enter__(self):
        thread = threading.current_thread()
        thread.query_hooks = (*getattr(thread, "query_hooks", ()), self.hook)
        self.mark = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.switch()
        self.stack.append("other")
        thread = threading.current_thread()
        thread.query_hooks = tuple(h for h in thread.query_hooks if h != self.hook)


def print_split(split, total):
    print(
        f"   {'part':<34} {'seconds':>8} {'share':>6} {'calls':>7} {'queries':>8} "
        f"{'in SQL s':>8}"
    )
    for category, (seconds, count, in_sql, calls) in split.items():
        print(
            f"   {category:<34} {seconds:8.2f} {seconds / total:6.1%} {calls:7d} "
            f"{count:8d} {in_sql:8.2f}"
        )
