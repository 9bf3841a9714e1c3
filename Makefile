# Two commands do everything: `make run` serves the product, `make test` runs every test.
# ODOO_SRC (default /opt/odoo/19.0) and VENV (default /opt/odoo/venv-19.0) live outside the
# repository so that every clone re-uses them.
export ODOO_SRC ?= /opt/odoo/19.0
export VENV ?= /opt/odoo/venv-19.0
RUN_DB ?= credit_demo

.PHONY: setup run test bench

setup:
	bash scripts/env.sh

run:
	bash scripts/run.sh $(RUN_DB)

test:
	bash scripts/test.sh

bench:
	bash scripts/bench.sh
