"""The bench databases: their names, their building and updating, the Odoo servers.

Two databases (``credit_bench_<side>_v<N>``), holding the same synthetic data
(``generate.py``):

* ``ours``: ``credit_control`` (hence ``sale``), with a company policy;
* ``plain``: plain Odoo 19 ``sale``, without ``credit_control``: the base the check is
  measured against.

Each is built when missing by installing its modules with ``odoo-bin`` and generating
the data in a worker process, then re-used while ``generate.DATA_VERSION`` holds
(``--rebuild`` recreates them); ``ours`` is re-updated (``-u credit_control``) when the
add-on's source changed since the last run.  Both have the same addons path, so that
one worker process can hold both registries and interleave their measurements.
"""

import contextlib
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ENTRY_POINT = HERE / "bench_credit.py"  # which also runs the workers (``--worker``)
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/19.0"))
DB_ARGS = [
    "--db_host=localhost",
    f"--db_user={os.environ.get('PGUSER_ODOO', 'odoo')}",
    f"--db_password={os.environ.get('PGPASSWORD_ODOO', 'odoo')}",
    f"--data-dir={os.environ.get('ODOO_DATA_DIR', '/opt/odoo/data')}",
]
ADDONS_PATH = f"{ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{ROOT}"
HEAVY = (10, 10_000)
CUSTOMERS = 10_000
SIDES = {
    "ours": {"label": "ours", "install": ("credit_control",)},
    "plain": {"label": "plain", "install": ("sale",)},
}


def log(*args):
    print(f"[bench {time.strftime('%H:%M:%S')}]", *args, file=sys.stderr, flush=True)


def is_ours(side):
    return side == "ours"


def db_name(side):
    return f"credit_bench_{side}_v{generate.DATA_VERSION}"


# PostgreSQL, odoo-bin and the workers -------------------------------------------------


def pg(dbname="postgres"):
    import psycopg2

    conn = psycopg2.connect(
        dbname=dbname,
        host="localhost",
        user=os.environ.get("PGUSER_ODOO", "odoo"),
        password=os.environ.get("PGPASSWORD_ODOO", "odoo"),
    )
    conn.autocommit = True
    return conn


def param(side, key):
    """An ir.config_parameter of the side's database; None if it has none."""
    with contextlib.closing(pg()) as conn, conn.cursor() as cr:
        cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name(side)])
        if not cr.fetchone():
            return None
    with contextlib.closing(pg(db_name(side))) as conn, conn.cursor() as cr:
        cr.execute("SELECT to_regclass('ir_config_parameter')")
        if not cr.fetchone()[0]:
            return None
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
        row = cr.fetchone()
        return row and row[0]


def code_fingerprint():
    digest = hashlib.sha1()
    for path in sorted((ROOT / "credit_control").rglob("*")):
        if path.is_file() and path.suffix in {".py", ".xml", ".csv"}:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def odoo_bin(side, *args):
    cmd = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        f"--addons-path={ADDONS_PATH}",
        *DB_ARGS,
        "-d",
        db_name(side),
        "--stop-after-init",
        "--log-level=warn",
        *args,
    ]
    subprocess.run(cmd, check=True)


def ensure_database(side, rebuild):
    db = db_name(side)
    if rebuild or param(side, "credit_bench.data_version") != generate.DATA_VERSION:
        modules = ",".join(SIDES[side]["install"])
        log(f"building {db} (install {modules} and generate the data)")
        with contextlib.closing(pg()) as conn, conn.cursor() as cr:
            cr.execute(f'DROP DATABASE IF EXISTS "{db}"')
        odoo_bin(side, "-i", modules)
        worker("generate", ["--side", side])
    elif is_ours(side) and param(side, "credit_bench.code") != code_fingerprint():
        log(f"credit_control changed since {db} was last used: updating it")
        odoo_bin(side, "-u", "credit_control")
    if is_ours(side):
        with contextlib.closing(pg(db)) as conn, conn.cursor() as cr:
            cr.execute(
                "INSERT INTO ir_config_parameter (key, value) "
                "VALUES ('credit_bench.code', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [code_fingerprint()],
            )


def worker(task, options=()):
    """Run ``task`` in a worker process; "measure" returns its results."""
    cmd = [sys.executable, str(ENTRY_POINT), "--worker", task, *options]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1]) if task == "measure" else None


# Odoo servers -------------------------------------------------------------------------


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Odoo serving the side's database with 2 workers and no cron, on free ports.

    The options of ``scripts/odoo.sh`` (same addons path, database options and data
    directory) plus ``-d <db> --workers=2 --max-cron-threads=0``, run through
    ``odoo_server.py``, which only stands in for the long-polling process (see there).
    """

    def __init__(self, side, workers=2):
        self.side, self.db = side, db_name(side)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = Path(f"/tmp/credit_bench_{side}_{os.getpid()}.log")
        cmd = [
            sys.executable,
            str(HERE / "odoo_server.py"),
            f"--addons-path={ADDONS_PATH}",
            *DB_ARGS,
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            f"--workers={workers}",
            f"--http-port={self.port}",
            "--http-interface=127.0.0.1",
            f"--gevent-port={free_port()}",
            "--max-cron-threads=0",
            "--log-level=warn",
            "--log-handler=werkzeug:INFO",  # a line per request, with its SQL and time
            f"--logfile={self.logfile}",
        ]
        self.process = subprocess.Popen(cmd, start_new_session=True)

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.side}: the server stopped, see {self.logfile}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/web/health", timeout=5) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(
            f"{self.side}: the server did not answer, see {self.logfile}"
        )

    def log_offset(self):
        return self.logfile.stat().st_size if self.logfile.exists() else 0

    def log_since(self, offset):
        with open(self.logfile, "rb") as logfile:
            logfile.seek(offset)
            return logfile.read().decode(errors="replace")

    def requests_since(self, offset, path):
        """The requests of ``path`` logged since ``offset``: for each, its HTTP
        status, SQL queries, seconds in SQL and seconds besides (Odoo's perf info)."""
        pattern = re.compile(
            rf'"POST {re.escape(path)}[^"]*" (\d+) - (\d+) ([\d.]+) ([\d.]+)'
        )
        return [
            (int(m[1]), int(m[2]), float(m[3]), float(m[4]))
            for m in pattern.finditer(self.log_since(offset))
        ]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server we started
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# Inside a worker ----------------------------------------------------------------------


def open_registries(sides):
    import odoo
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={ADDONS_PATH}", *DB_ARGS, "--log-level=warn"],
        setup_logging=True,
    )
    return {side: odoo.modules.registry.Registry(db_name(side)) for side in sides}


def generate_data(side):
    from odoo import SUPERUSER_ID, api

    registry = open_registries([side])[side]
    with registry.cursor() as cr:
        start = time.perf_counter()
        generate.generate(
            api.Environment(cr, SUPERUSER_ID, {}), CUSTOMERS, HEAVY, log=log
        )
        log(f"{side}: data generated in {time.perf_counter() - start:.0f} s")
    with registry.cursor() as cr:
        cr.execute("ANALYZE")
