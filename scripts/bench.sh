#!/usr/bin/env bash
# `make bench`: credit_control against plain Odoo 19 (`sale` only, the same data): a
# salesperson's confirmation at H = 10 and 10 000 open invoices, its SQL queries,
# reading the exposure of 10 000 customers, the Customers by Exposure report, and the
# throughput of 8 salespeople confirming through JSON-RPC on 2 Odoo workers; then
# credit_insurance (tests/bench/bench_insurance.py): the check with the insurance
# reasons against credit_control's, the coverage report and the declaration; then the
# nightly scoring of 10 000 and 100 000 customers (tests/bench/bench_scoring.py).  Prints
# figures next to their targets, asserts nothing on time.  `bash scripts/bench.sh
# credit|insurance|scoring [options]` runs one of them (--runs, --no-pdf: insurance
# only; --sizes, --modes, --profile: scoring only).
# The bench databases are built when missing and kept between runs; pass --rebuild to
# recreate them (e.g. `bash scripts/bench.sh --rebuild`, or `make bench BENCH_ARGS=--rebuild`).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/env.sh"
export ODOO_SRC VENV PGUSER_ODOO PGPASSWORD_ODOO
case "${1:-}" in
    credit | insurance | scoring) BENCHES=("bench_$1.py"); shift ;;
    dunning) BENCHES=(bench_dunning.py); shift ;;  # run on its own (several minutes)
    *) BENCHES=(bench_credit.py bench_insurance.py bench_scoring.py) ;;
esac
for bench in "${BENCHES[@]}"; do
    "$VENV/bin/python" "$ROOT/tests/bench/$bench" ${BENCH_ARGS:-} "$@"
done
