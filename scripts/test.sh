#!/usr/bin/env bash
# Every test: plain pytest for the database-free modules and pytest-odoo for the add-ons,
# in one run, on a throw-away database with both add-ons and their demo data installed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/env.sh"
DB=${TEST_DB:-credit_test_$$}
ADDONS=$(cd "$ROOT" && ls -d */__manifest__.py | cut -d/ -f1 | paste -sd, -)
export PGHOST=localhost PGUSER=$PGUSER_ODOO PGPASSWORD=$PGPASSWORD_ODOO
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -f "$CONF"; }
CONF=$(mktemp --suffix=.conf)
trap cleanup EXIT
dropdb --if-exists "$DB"
say "installing $ADDONS into the throw-away database $DB"
"$ROOT/scripts/odoo.sh" -d "$DB" -i "$ADDONS" --with-demo --stop-after-init --log-level=warn 2>&1 \
  | grep -v "^$" || true
psql -d "$DB" -tAc "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(string_to_array('$ADDONS', ','))" \
  | sort | paste -sd, - | grep -qx "$(echo "$ADDONS" | tr , '\n' | sort | paste -sd, -)" \
  || { say "the add-ons did not install"; exit 1; }
cat >"$CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT
db_host = localhost
db_user = $PGUSER_ODOO
db_password = $PGPASSWORD_ODOO
db_name = $DB
data_dir = ${ODOO_DATA_DIR:-/opt/odoo/data}
CONF
cd "$ROOT"
"$VENV/bin/python" -m pytest --odoo-http --odoo-config="$CONF" "$@" tests/unit $(ls -d */tests)
