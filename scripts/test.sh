#!/usr/bin/env bash
# Every test: plain pytest for the database-free modules and pytest-odoo for the add-ons,
# in one run, on a throw-away database with both add-ons and their demo data installed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/env.sh"
DB=${TEST_DB:-credit_test_$$}
# The product's add-ons, and the test-only ones of test_addons/ that prove its
# extension points (on the addons path of the tests only).
export CREDIT_EXTRA_ADDONS=$ROOT/test_addons
ADDONS=$(cd "$ROOT" && ls -d */__manifest__.py test_addons/*/__manifest__.py | xargs -n1 dirname | xargs -n1 basename | paste -sd, -)
export PGHOST=localhost PGUSER=$PGUSER_ODOO PGPASSWORD=$PGPASSWORD_ODOO
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -f "$CONF" "$CONF".*; }
CONF=$(mktemp --suffix=.conf)
trap cleanup EXIT
dropdb --if-exists "$DB"
say "installing $ADDONS into the throw-away database $DB"
"$ROOT/scripts/odoo.sh" -d "$DB" -i "$ADDONS" --with-demo --stop-after-init --log-level=warn 2>&1 \
  | grep -v "^$" | tee "$CONF.install" || true
if grep -q "demo data failed to install" "$CONF.install"; then
  say "the add-ons' demo data did not install"
  exit 1
fi
rm -f "$CONF.install"
psql -d "$DB" -tAc "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(string_to_array('$ADDONS', ','))" \
  | sort | paste -sd, - | grep -qx "$(echo "$ADDONS" | tr , '\n' | sort | paste -sd, -)" \
  || { say "the add-ons did not install"; exit 1; }
cat >"$CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT,$CREDIT_EXTRA_ADDONS
db_host = localhost
db_user = $PGUSER_ODOO
db_password = $PGPASSWORD_ODOO
db_name = $DB
data_dir = ${ODOO_DATA_DIR:-/opt/odoo/data}
CONF
cd "$ROOT"
"$VENV/bin/python" -m pytest --odoo-http --odoo-config="$CONF" "$@" tests/unit $(ls -d */tests test_addons/*/tests)
# The same Odoo tests under Odoo's own runner, as OCA's CI runs them (skipped when pytest
# was given arguments, e.g. to run one file; ODOO_RUNNER=0 skips it too).
if [ $# -eq 0 ] && [ "${ODOO_RUNNER:-1}" != 0 ]; then
  say "running the Odoo tests under odoo-bin --test-tags"
  TAGS=$(echo "$ADDONS" | tr , '\n' | sed 's#^#/#' | paste -sd, -)
  # Bounded (a test waiting for ever would use up CI's time and print nothing): on
  # failure or timeout, the errors and the last lines of the log tell where it stopped.
  timeout --signal=INT --kill-after=60 "${TEST_TIMEOUT:-2400}" \
    "$ROOT/scripts/odoo.sh" -d "$DB" --test-tags "$TAGS" --stop-after-init \
    --http-port="${TEST_HTTP_PORT:-8069}" --log-level=test >"$CONF.log" 2>&1 \
    || { grep -E "(ERROR|FAIL|CRITICAL)" "$CONF.log" | tail -40; tail -20 "$CONF.log"
         say "odoo-bin --test-tags failed or timed out"; exit 1; }
  grep -E "post-tests in|[0-9]+ failed|tests? .*(error|fail)" "$CONF.log" | tail -3 || true
  rm -f "$CONF.log"
fi
