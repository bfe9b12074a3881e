#!/usr/bin/env bash
# make lint: ruff (always) and pylint-odoo's error-level Odoo checks (when
# pylint_odoo is importable).  Needs neither Odoo nor PostgreSQL.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
ADDON=ar_collections
cd "$ROOT"

[ -d "$ADDON" ] || { echo "[lint] ERROR: $ROOT/$ADDON not found" >&2; exit 1; }

echo "[lint] ruff check $ADDON"
if command -v ruff >/dev/null 2>&1; then
    ruff check "$ADDON"
elif "$PYTHON" -m ruff --version >/dev/null 2>&1; then
    "$PYTHON" -m ruff check "$ADDON"
else
    echo "[lint] ERROR: ruff is not installed (pip install -r requirements.txt)" >&2
    exit 1
fi

# Error-level checks of pylint-odoo only: real bugs (SQL injection, broken
# translations, missing manifest files, commits inside transactions...), not
# style.  pylint's own checks stay off: they do not understand the ORM.
ODOO_CHECKS=(
    sql-injection
    invalid-commit
    translation-injection
    translation-unsupported-format
    translation-format-truncated
    translation-too-many-args
    translation-too-few-args
    resource-not-exist
    manifest-author-string
    manifest-maintainers-list
    manifest-behind-migrations
    test-folder-imported
    external-request-timeout
    deprecated-name-get
    deprecated-inselect-operator
)
if "$PYTHON" -c 'import pylint_odoo' >/dev/null 2>&1; then
    echo "[lint] pylint --load-plugins=pylint_odoo (error-level Odoo checks)"
    enable="$(IFS=,; echo "${ODOO_CHECKS[*]}")"
    "$PYTHON" -m pylint --rcfile=/dev/null --load-plugins=pylint_odoo \
        --valid-odoo-versions=18.0 --disable=all --enable="$enable" \
        --score=n --reports=n "$ADDON"
else
    echo "[lint] pylint_odoo is not importable; skipping the pylint-odoo checks (pip install -r requirements.txt)"
fi
echo "[lint] OK"
