#!/usr/bin/env bash
# The Makefile's targets:  bash scripts/run.sh COMMAND [args...]
#
#   demo          database DEMO_DB (default ar_collections_demo) with the addon and its demo
#                 data, served on 127.0.0.1:PORT (default 8069), admin/admin.  Reused when it
#                 has the addon; never dropped (to start over: dropdb ar_collections_demo).
#   test [args]   lint (AR_SKIP_LINT=1 skips), then pytest-odoo on a throwaway database
#                 without demo data; args go to pytest (paths given replace ar_collections/tests).
#                 AR_TEST_HTTP=0 skips the HttpCase tests; AR_KEEP_DB=1 keeps the database.
#                 Then the demo check: a second throwaway database installed WITH demo data,
#                 scripts/check_demo.py run on it (odoo-bin shell), dropped; its failure fails
#                 the target.  It runs with the whole suite (no test paths given, as CI does);
#                 AR_SKIP_DEMO=1 skips it, AR_SKIP_DEMO=0 forces it with test paths given.
#   check-demo    the demo check alone
#   bench [args]  scripts/bench.py -c $ODOO_RC -d <throwaway db> [args]
#   screenshots   refresh docs/screenshots/ (test_screenshots.py with AR_SCREENSHOTS=1)
#   lint          pre-commit run --all-files (ruff, ruff format --check, pylint-odoo)
#   format        ruff check --fix + ruff format (rewrites files)
#   clean         stop and remove the private cluster (.pgdata) and .odoo
set -euo pipefail
AR_CMD="${1:-}"
[ "$#" -gt 0 ] && shift
# shellcheck source=scripts/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
cd "$AR_ROOT"

lint() {
    local paths=("$AR_ADDON" scripts)
    if command -v pre-commit >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        pre-commit run --all-files --show-diff-on-failure
    else  # same checks, without pre-commit or outside a git checkout
        "$PYTHON" -m ruff --version >/dev/null 2>&1 || ar_die "ruff is not installed (pip install -r requirements-dev.txt)"
        "$PYTHON" -m ruff check --no-fix "${paths[@]}"
        "$PYTHON" -m ruff format --check "${paths[@]}"
        "$PYTHON" -m pylint --rcfile=.pylintrc-mandatory "$AR_ADDON"
    fi
    ar_log "OK"
}

test_() {
    [ "${AR_SKIP_LINT:-0}" = 1 ] || lint
    [ -d "$AR_ADDON/tests" ] || ar_die "$AR_ADDON/tests not found: there are no tests to run"
    "$PYTHON" -c 'import pytest_odoo' 2>/dev/null || ar_die "pytest-odoo is not installed (pip install -r requirements-dev.txt)"
    local arg targets=("$AR_ADDON/tests") http=(--odoo-http) log rc summary
    for arg in "$@"; do [[ "$arg" != -* && -e "${arg%%::*}" ]] && targets=(); done
    [ "${AR_TEST_HTTP:-1}" = 1 ] || http=()
    ar_env_init
    ar_throwaway_db test
    log="$AR_STATE/logs/pytest-$DB.log"
    ar_log "running pytest (database $DB, log $log)"
    set +e
    "$PYTHON" -m pytest --odoo-config="$ODOO_RC" --odoo-database="$DB" "${http[@]}" "${targets[@]}" "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    summary="$(grep -E '(passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?|no tests ran).* in [0-9.]+s' "$log" |
        tail -n 1 | sed -E 's/^=+ //; s/ =+$//' || true)"
    printf '\npytest summary: %s\n' "${summary:-<no summary line; see $log>}"
    if [ "$rc" = 5 ]; then ar_log "pytest collected no tests: treating that as a failure"; rc=1; fi
    if [ "$rc" = 0 ]; then ar_log "tests passed"; else ar_log "tests FAILED (pytest exit $rc)"; fi
    # the demo check costs a demo install: by default with the whole suite only
    local skip_demo=0
    [ "${#targets[@]}" -gt 0 ] || skip_demo=1
    skip_demo="${AR_SKIP_DEMO:-$skip_demo}"
    if [ "$skip_demo" = 1 ]; then
        ar_log "demo check skipped (AR_SKIP_DEMO=1, or test paths given; AR_SKIP_DEMO=0 forces it)"
    elif ! check_demo; then
        rc=1
    fi
    return "$rc"
}

# A throwaway database installed with the demo data, scripts/check_demo.py run on it.
check_demo() {
    local log
    [ "${AR_ENV_READY:-0}" = 1 ] || ar_env_init
    ar_throwaway_db demo_check --with-demo
    log="$AR_STATE/logs/check_demo-$DB.log"
    ar_log "running scripts/check_demo.py on $DB (log $log)"
    set +e
    ar_odoo shell -d "$DB" --no-http --log-level=warn <scripts/check_demo.py 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    set -e
    if [ "$rc" = 0 ] && grep -q '^[0-9]* checks passed$' "$log"; then
        ar_log "demo check passed"
    else
        ar_log "demo check FAILED (see $log)"
        return 1
    fi
    # drop it now rather than on exit: the disk and the cluster are shared
    [ "${AR_KEEP_DB:-0}" = 1 ] || ar_drop_created_dbs
}

demo() {
    local db="${DEMO_DB:-ar_collections_demo}" port="${PORT:-8069}" state
    [[ "$port" =~ ^[0-9]+$ ]] || ar_die "PORT must be a number, not '$port'"
    ar_env_init
    if ar_db_exists "$db"; then
        state="$(ar_module_state "$db")"
        [ "$state" = installed ] || ar_die "database $db exists but $AR_ADDON is not installed in it (state: '${state:-none}').
This script never modifies or drops a database it did not set up: choose another name
(DEMO_DB=... make demo) or drop it yourself (dropdb $db) and run make demo again."
        ar_log "reusing database $db ($AR_ADDON installed)"
    elif ! (ar_install_new "$db"); then  # in a subshell: a failed install is kept, never dropped
        ar_die "installing $AR_ADDON with demo data into $db failed; fix the addon, then
drop the half-made database yourself (dropdb $db) and run make demo again."
    fi
    ar_log "setting the admin password to 'admin'"
    ar_odoo shell -d "$db" --no-http --log-level=warn >/dev/null <<<'env.ref("base.user_admin").password = "admin"; env.cr.commit()'
    printf '\n  ar_collections demo\n  URL:    %s\n  Login:  admin\n  Pass:   admin\n  (database %s; Ctrl-C stops the server)\n\n' \
        "http://127.0.0.1:$port/web/login?db=$db" "$db"
    ar_odoo -d "$db" --db-filter="^${db}\$" --http-interface=127.0.0.1 --http-port="$port"
}

bench() {
    ar_env_init
    ar_throwaway_db bench
    ar_log "running scripts/bench.py on $DB"
    "$PYTHON" scripts/bench.py -c "$ODOO_RC" -d "$DB" "$@"
}

screenshots() {
    command -v pdftoppm >/dev/null || ar_die "pdftoppm not found (apt-get install poppler-utils)"
    ar_env_init
    ar_throwaway_db shots
    AR_SCREENSHOTS=1 "$PYTHON" -m pytest --odoo-config="$ODOO_RC" --odoo-database="$DB" --odoo-http \
        "$AR_ADDON/tests/test_screenshots.py" -q "$@"
    ar_log "screenshots written to docs/screenshots/"
    ls -l docs/screenshots/
}

format() {
    "$PYTHON" -m ruff check --fix "$AR_ADDON" scripts || true  # what --fix cannot fix is reported by make lint
    "$PYTHON" -m ruff format "$AR_ADDON" scripts
}

clean() {  # databases on other servers are left alone (a kept demo database loses its filestore)
    if [ -d "$AR_PGDATA_ROOT" ]; then
        ar_pg_private_stop || ar_die "could not stop the private PostgreSQL in $AR_PGDATA_ROOT"
        rm -rf "$AR_PGDATA_ROOT"
        case "$AR_PG_SOCK" in /tmp/ar_pg_*) rm -rf "$AR_PG_SOCK" ;; esac
        ar_log "removed $AR_PGDATA_ROOT"
    fi
    if [ -d "$AR_STATE" ]; then rm -rf "$AR_STATE"; ar_log "removed $AR_STATE"; fi
}

case "$AR_CMD" in
    demo | bench | screenshots | lint | format | clean) "$AR_CMD" "$@" ;;
    test) test_ "$@" ;;
    check-demo) check_demo ;;
    *) ar_die "usage: bash scripts/run.sh demo|test|check-demo|bench|screenshots|lint|format|clean [args]" ;;
esac
