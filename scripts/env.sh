#!/usr/bin/env bash
# Prepares everything the product needs, idempotently: Debian packages, a running
# PostgreSQL with a role for Odoo, an Odoo 19.0 source tree and a virtual environment.
# Sourced by the Makefile targets; re-running it re-uses what is already there.
set -euo pipefail

ODOO_SRC=${ODOO_SRC:-/opt/odoo/19.0}
VENV=${VENV:-/opt/odoo/venv-19.0}
PGUSER_ODOO=${PGUSER_ODOO:-odoo}
PGPASSWORD_ODOO=${PGPASSWORD_ODOO:-odoo}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_debian_packages() {
  # wkhtmltopdf: Odoo's PDF reports (portal signatures, insurer reports); chromium:
  # Odoo's tours in headless Chromium; fonts-wqy-microhei: Chinese text in screenshots.
  local missing=()
  for pkg in postgresql libpq-dev libldap2-dev libsasl2-dev python3-venv python3-dev \
    build-essential git gettext wkhtmltopdf chromium fonts-wqy-microhei; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_postgresql() {
  if ! pg_isready -q -h localhost 2>/dev/null; then
    say "starting PostgreSQL"
    local version
    version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
    if command -v pg_ctlcluster >/dev/null; then
      pg_lsclusters -h | grep -q "^$version main" || as_root pg_createcluster "$version" main >/dev/null
      as_root pg_ctlcluster "$version" main start
    else
      as_root service postgresql start
    fi
    for _ in $(seq 30); do pg_isready -q -h localhost && break; sleep 1; done
  fi
  if ! as_root su - postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$PGUSER_ODOO'\"" | grep -q 1; then
    say "creating PostgreSQL role $PGUSER_ODOO"
    as_root su - postgres -c "psql -qc \"CREATE ROLE $PGUSER_ODOO LOGIN CREATEDB PASSWORD '$PGPASSWORD_ODOO'\""
  fi
}

ensure_odoo_source() {
  if [ -f "$ODOO_SRC/odoo/release.py" ]; then
    grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" \
      || { say "$ODOO_SRC is not an Odoo 19.0 tree; point ODOO_SRC at one"; exit 1; }
    return
  fi
  say "no Odoo tree at $ODOO_SRC: cloning upstream Odoo 19.0 (shallow)"
  if ! git clone -q --depth 1 -b 19.0 https://github.com/odoo/odoo.git "$ODOO_SRC"; then
    say "could not clone Odoo. Put an Odoo 19.0 source tree at $ODOO_SRC (or set ODOO_SRC to one) and run again."
    exit 1
  fi
}

ensure_venv() {
  local stamp="$VENV/.credit-requirements"
  local wanted
  wanted=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements-dev.txt" | sha1sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
    return
  fi
  [ -x "$VENV/bin/python" ] || { say "creating virtual environment $VENV"; python3 -m venv "$VENV"; }
  local constraints="$VENV/build-constraints.txt"
  echo 'setuptools<80' >"$constraints"
  local pip=("$VENV/bin/pip" install -q --disable-pip-version-check)
  if "$VENV/bin/pip" install --help | grep -q -- '--build-constraint'; then
    pip+=(--build-constraint "$constraints")
  else
    export PIP_CONSTRAINT="$constraints"
  fi
  say "installing Odoo's requirements and the project's into $VENV"
  "${pip[@]}" 'setuptools<80' wheel
  "${pip[@]}" -r "$ODOO_SRC/requirements.txt"
  "${pip[@]}" -r "$ROOT/requirements-dev.txt"
  "${pip[@]}" --no-deps -e "$ODOO_SRC"
  unset PIP_CONSTRAINT
  echo "$wanted" >"$stamp"
}

ensure_debian_packages
ensure_postgresql
ensure_odoo_source
ensure_venv
