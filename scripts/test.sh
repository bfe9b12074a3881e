#!/usr/bin/env bash
# make test: lint, then install ar_collections (no demo data) into a fresh
# throwaway database and run its tests with pytest-odoo.
#
#   scripts/test.sh [pytest args...]      e.g. scripts/test.sh -k dunning -x
#
# The database is named ar_collections_test_<timestamp>_<pid>; this script
# creates it itself (failing if the name exists) and drops only that one when
# it exits, whatever the outcome.  AR_KEEP_DB=1 keeps it for inspection.
# AR_SKIP_LINT=1 skips the linters.  HttpCase tests run in an in-process HTTP
# server (pytest-odoo --odoo-http); AR_TEST_HTTP=0 skips them instead.
set -euo pipefail
# shellcheck source=scripts/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
cd "$AR_ROOT"
ar_require_addon

if [ "${AR_SKIP_LINT:-0}" != 1 ]; then
    bash "$AR_ROOT/scripts/lint.sh"
fi

[ -d "$AR_ADDON/tests" ] || ar_die "$AR_ADDON/tests not found: there are no tests to run"
ar_find_odoo
"$PYTHON" -c 'import pytest_odoo' 2>/dev/null ||
    ar_die "pytest-odoo is not installed (pip install -r requirements.txt)"

ar_env_init

DB="ar_collections_test_$(date +%Y%m%d%H%M%S)_$$"
if [ "${AR_KEEP_DB:-0}" = 1 ]; then
    ar_on_exit 'ar_log "AR_KEEP_DB=1: keeping database $DB"'
else
    ar_on_exit ar_drop_created_dbs
fi
ar_create_db "$DB"
ar_install_addon "$DB" --without-demo=all

http_opt=(--odoo-http)
[ "${AR_TEST_HTTP:-1}" = 1 ] || http_opt=()

log="$AR_LOG_DIR/pytest-$DB.log"
ar_log "running pytest on $AR_ADDON/tests (database $DB, log $log)"
set +e
"$PYTHON" -m pytest --odoo-config="$ODOO_RC" --odoo-database="$DB" \
    "${http_opt[@]}" "$AR_ADDON/tests" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

summary="$(grep -E '(passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?|no tests ran).* in [0-9.]+s' "$log" |
    tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true)"
echo
echo "pytest summary: ${summary:-<no summary line; see $log>}"
if [ "$rc" = 5 ]; then
    ar_log "pytest collected no tests: treating that as a failure"
    rc=1
fi
if [ "$rc" = 0 ]; then ar_log "tests passed"; else ar_log "tests FAILED (pytest exit $rc)"; fi
exit "$rc"
