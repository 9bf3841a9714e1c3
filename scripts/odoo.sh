#!/usr/bin/env bash
# Runs Odoo from $ODOO_SRC with the project's add-ons, using the environment env.sh prepared.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/19.0}
VENV=${VENV:-/opt/odoo/venv-19.0}
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" \
  --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT${CREDIT_EXTRA_ADDONS:+,$CREDIT_EXTRA_ADDONS}" \
  --db_host=localhost --db_user="${PGUSER_ODOO:-odoo}" --db_password="${PGPASSWORD_ODOO:-odoo}" \
  --data-dir="${ODOO_DATA_DIR:-/opt/odoo/data}" \
  "$@"
