#!/usr/bin/env bash
# `make bench`: credit_control's check at confirmation (also where confirming creates a
# delivery) and its portfolio exposure, against OCA's sale_financial_risk 19.0 as the
# anchor.  Prints figures, asserts nothing on time.
# The bench databases are kept between runs; pass --rebuild to recreate them
# (e.g. `bash scripts/bench.sh --rebuild`, or `make bench BENCH_ARGS=--rebuild`).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/env.sh"
# OCA's add-ons go into a folder of their own that only the OCA bench database's addons
# path names: never a dependency of ours, never on the product's addons path.
export OCA_TARGET=${OCA_TARGET:-/opt/odoo/oca-addons-19}
if [ ! -f "$OCA_TARGET/odoo/addons/sale_financial_risk/__manifest__.py" ] \
  || [ ! -f "$OCA_TARGET/odoo/addons/account_financial_risk/__manifest__.py" ]; then
  say "installing OCA's sale_financial_risk and account_financial_risk 19.0 into $OCA_TARGET"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --target "$OCA_TARGET" \
    'odoo-addon-sale-financial-risk==19.0.*' 'odoo-addon-account-financial-risk==19.0.*'
fi
export ODOO_SRC VENV PGUSER_ODOO PGPASSWORD_ODOO
exec "$VENV/bin/python" "$ROOT/tests/bench/bench_credit.py" ${BENCH_ARGS:-} "$@"
