#!/usr/bin/env bash
# Serves Odoo on http://127.0.0.1:8069 with a demo database holding both add-ons.
# Login: admin / admin.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/env.sh"
DB=${1:-credit_demo}
ADDONS=$(cd "$ROOT" && ls -d */__manifest__.py | cut -d/ -f1 | paste -sd, -)
export PGHOST=localhost PGUSER=$PGUSER_ODOO PGPASSWORD=$PGPASSWORD_ODOO
if psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'credit_control' AND state = 'installed'" 2>/dev/null | grep -q 1; then
  say "database $DB exists: updating the add-ons"
  "$ROOT/scripts/odoo.sh" -d "$DB" -u "$ADDONS" --stop-after-init --log-level=warn
else
  say "creating database $DB with demo data and $ADDONS"
  dropdb --if-exists "$DB"
  "$ROOT/scripts/odoo.sh" -d "$DB" -i "sale_management,$ADDONS" --with-demo --stop-after-init --log-level=warn
fi
say "serving http://127.0.0.1:8069 (database $DB, login admin / admin)"
exec "$ROOT/scripts/odoo.sh" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port=8069
