#!/usr/bin/env bash
# make demo: a database with ar_collections and demo data, served on
# http://127.0.0.1:$PORT (login admin / admin).
#
#   DEMO_DB   database name (default ar_collections_demo)
#   PORT      HTTP port (default 8069)
#
# The database is created if it does not exist and reused if it exists with
# ar_collections installed.  This script never drops a database: to start
# over, stop it and run `dropdb ar_collections_demo` (with the PG* variables
# the script prints, when it uses the private cluster).
set -euo pipefail
# shellcheck source=scripts/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
cd "$AR_ROOT"
ar_require_addon

DEMO_DB="${DEMO_DB:-ar_collections_demo}"
PORT="${PORT:-8069}"
[[ "$PORT" =~ ^[0-9]+$ ]] || ar_die "PORT must be a number, not '$PORT'"

ar_env_init

if ar_db_exists "$DEMO_DB"; then
    state="$(ar_module_state "$DEMO_DB" "$AR_ADDON")"
    if [ "$state" != installed ]; then
        ar_die "database $DEMO_DB exists but $AR_ADDON is not installed in it (state: '${state:-none}').
This script never modifies or drops a database it did not set up: choose another name
(DEMO_DB=... make demo) or drop it yourself (dropdb $DEMO_DB) and run make demo again."
    fi
    ar_log "reusing database $DEMO_DB ($AR_ADDON installed)"
else
    ar_create_db "$DEMO_DB"
    # Keep it even if the install fails (never drop): say what to do instead.
    AR_CREATED_DBS=()
    if ! (ar_install_addon "$DEMO_DB"); then
        ar_die "installing $AR_ADDON with demo data into $DEMO_DB failed; fix the addon, then
drop the half-made database yourself (dropdb $DEMO_DB) and run make demo again."
    fi
fi

ar_log "setting the admin password to 'admin'"
ar_odoo shell -d "$DEMO_DB" --no-http --log-level=warn >/dev/null <<'PY'
admin = env.ref("base.user_admin")
admin.password = "admin"
env.cr.commit()
PY

url="http://127.0.0.1:$PORT/web/login?db=$DEMO_DB"
cat <<MSG

  ar_collections demo
  URL:    $url
  Login:  admin
  Pass:   admin
  (database $DEMO_DB; Ctrl-C stops the server)

MSG
ar_odoo -d "$DEMO_DB" --db-filter="^${DEMO_DB}\$" \
    --http-interface=127.0.0.1 --http-port="$PORT"
