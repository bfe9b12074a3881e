#!/usr/bin/env bash
# make bench: install ar_collections (no demo data) into a throwaway database
# and run scripts/bench.py against it:
#
#   python3 scripts/bench.py -c $ODOO_RC -d <db> [args...]
#
# The database (ar_collections_bench_<timestamp>_<pid>) is created by this
# script and dropped when it exits; AR_KEEP_DB=1 keeps it.
set -euo pipefail
# shellcheck source=scripts/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
cd "$AR_ROOT"
ar_require_addon
[ -f scripts/bench.py ] || ar_die "scripts/bench.py not found"

ar_env_init

DB="ar_collections_bench_$(date +%Y%m%d%H%M%S)_$$"
if [ "${AR_KEEP_DB:-0}" = 1 ]; then
    ar_on_exit 'ar_log "AR_KEEP_DB=1: keeping database $DB"'
else
    ar_on_exit ar_drop_created_dbs
fi
ar_create_db "$DB"
ar_install_addon "$DB" --without-demo=all

ar_log "running scripts/bench.py on $DB"
set +e
"$PYTHON" scripts/bench.py -c "$ODOO_RC" -d "$DB" "$@"
rc=$?
set -e
exit "$rc"
