"""The bench databases: their names and addons paths, their building and updating.

One database per side (``credit_bench_<side>_v<N>``: ``ours``, ``stock``, ``oca``),
built by installing the side's modules with ``odoo-bin`` and generating the data of
``generate.py`` in a worker process, then re-used while ``generate.DATA_VERSION``
holds; the sides with credit_control are re-updated when its source changed since the
last run.
"""

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ENTRY_POINT = HERE / "bench_credit.py"  # which also runs the workers (``--worker``)
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo/19.0"))
OCA_ADDONS = (
    Path(os.environ.get("OCA_TARGET", "/opt/odoo/oca-addons-19")) / "odoo" / "addons"
)
DB_ARGS = [
    "--db_host=localhost",
    f"--db_user={os.environ.get('PGUSER_ODOO', 'odoo')}",
    f"--db_password={os.environ.get('PGPASSWORD_ODOO', 'odoo')}",
    f"--data-dir={os.environ.get('ODOO_DATA_DIR', '/opt/odoo/data')}",
]
HEAVY = (10, 1_000, 10_000)
OURS = {"module": "credit_control", "addons": ROOT, "skip": {"credit_check_skip": True}}
# A side: its label in the report, the credit module it measures (credit_control for
# ours), the modules it installs, the folder of the credit module, the context that
# skips the check, the H it measures, whether it measures the portfolio exposure too.
SIDES = {
    "ours": {**OURS, "label": "ours", "install": ("credit_control",)},
    # the confirmation most companies selling goods on credit have: it makes a delivery
    "stock": {
        **OURS,
        "label": "ours+stock",
        "install": ("credit_control", "sale_stock"),
        "heavy": (HEAVY[0], HEAVY[-1]),
        "portfolio": False,
    },
    "oca": {
        "label": "OCA",
        "module": "sale_financial_risk",
        "install": ("sale_financial_risk",),
        "addons": OCA_ADDONS,
        "skip": {"bypass_risk": True},
    },
}
CUSTOMERS = 10_000


def log(*args):
    print("[bench]", *args, file=sys.stderr, flush=True)


def is_ours(side):
    return SIDES[side]["module"] == "credit_control"


def measured_heavy(side):
    return SIDES[side].get("heavy", HEAVY)


def db_name(side):
    return f"credit_bench_{side}_v{generate.DATA_VERSION}"


def addons_path(side):
    return f"{ODOO_SRC}/addons,{ODOO_SRC}/odoo/addons,{SIDES[side]['addons']}"


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
        f"--addons-path={addons_path(side)}",
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
        worker(side, "generate")
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


def worker(side, task, options=()):
    """Run ``task`` for the side in a worker process; "measure" returns its results."""
    cmd = [sys.executable, str(ENTRY_POINT), "--worker", task, "--side", side, *options]
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1]) if task == "measure" else None


# Inside a worker ----------------------------------------------------------------------


def open_registry(side):
    import odoo
    from odoo.tools import config

    config.parse_config(
        [f"--addons-path={addons_path(side)}", *DB_ARGS, "--log-level=warn"],
        setup_logging=True,
    )
    return odoo.modules.registry.Registry(db_name(side))


def generate_data(side):
    from odoo import SUPERUSER_ID, api

    registry = open_registry(side)
    with registry.cursor() as cr:
        start = time.perf_counter()
        generate.generate(
            api.Environment(cr, SUPERUSER_ID, {}), CUSTOMERS, HEAVY, log=log
        )
        log(f"{side}: data generated in {time.perf_counter() - start:.0f} s")
    with registry.cursor() as cr:
        cr.execute("ANALYZE")
