# shellcheck shell=bash
# Shared by scripts/run.sh.  `ar_env_init` finds Odoo 18.0 (a prerequisite,
# never installed here) and PostgreSQL, writes .odoo/odoo.conf, exports ODOO_RC.
#
#   PYTHON                 interpreter that imports odoo (default python3)
#   PGHOST/PGPORT/PGUSER   use this PostgreSQL server (as libpq reads them)
#   AR_PG_PRIVATE=1        use the private cluster in .pgdata even if a server answers
#   AR_PG_PORT             its port (default 5433; Unix socket only, no TCP)
#   AR_PG_KEEP=1           leave a private cluster started by this run running
#   AR_PG_BINDIR           directory of initdb/pg_ctl (default: newest /usr/lib/postgresql/*/bin)
#   AR_HTTP_PORT           http_port of odoo.conf (default 8069; HttpCase tests and tours use it)
#
# Safety rule: a database is only dropped by ar_drop_created_dbs, which only
# knows the databases ar_install_new created in this shell (and refused to
# create if the name existed).
set -euo pipefail

AR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AR_ADDON=ar_collections
AR_STATE="$AR_ROOT/.odoo"
AR_PGDATA_ROOT="$AR_ROOT/.pgdata"
PYTHON="${PYTHON:-python3}"
AR_CREATED_DBS=()
AR_EXIT_HOOKS=()

ar_log() { printf '[%s] %s\n' "${AR_CMD:-$(basename "$0")}" "$*" >&2; }
ar_die() { printf '[%s] ERROR: %s\n' "${AR_CMD:-$(basename "$0")}" "$1" >&2; exit "${2:-1}"; }

# Exit hooks run once, last registered first, whatever the exit.
ar_on_exit() { AR_EXIT_HOOKS+=("$1"); }
_ar_exit() {
    local rc=$? i
    trap - EXIT INT TERM HUP
    set +e
    for ((i = ${#AR_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${AR_EXIT_HOOKS[$i]}"; done
    exit "$rc"
}
trap _ar_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- Odoo --------------------------------------------------------------------
ar_find_odoo() {
    local out src
    out="$("$PYTHON" -c 'import os, odoo.release as r; print(r.version_info[0], os.path.dirname(os.path.abspath(r.__file__)))' 2>/dev/null)" ||
        ar_die "Odoo 18.0 is not importable by $PYTHON; install it as the README says" 2
    [ "${out%% *}" = 18 ] || ar_die "Odoo 18.0 is not importable by $PYTHON (found Odoo ${out%% *}); install it as the README says" 2
    ODOO_ADDONS="${out#* }/addons"
    src="$(dirname "${out#* }")"
    [ -d "$src/addons/web" ] && ODOO_ADDONS="$ODOO_ADDONS,$src/addons"
    if [ -f "$src/odoo-bin" ]; then ODOO_BIN=("$PYTHON" "$src/odoo-bin")
    elif command -v odoo >/dev/null; then ODOO_BIN=(odoo)
    else ar_die "found Odoo in $src but neither $src/odoo-bin nor an 'odoo' command" 2
    fi
}

# Odoo's command line with our config: `ar_odoo -d DB ...`, `ar_odoo shell -d DB ...`.
ar_odoo() {
    if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then
        local cmd="$1"; shift
        "${ODOO_BIN[@]}" "$cmd" -c "$ODOO_RC" "$@"
    else
        "${ODOO_BIN[@]}" -c "$ODOO_RC" "$@"
    fi
}

# --- PostgreSQL --------------------------------------------------------------
_ar_psql() { psql -X -q -t -A -v ON_ERROR_STOP=1 -d postgres "$@"; }
_ar_pg_usable() {  # answers, and our role may create databases
    [ "$(_ar_psql -c 'select rolsuper or rolcreatedb from pg_roles where rolname = current_user' 2>/dev/null)" = t ]
}
# Run a server binary as the cluster owner (postgres refuses to run as root).
_ar_as_owner() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

_ar_pg_private_init() {
    AR_PG_BIN="${AR_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
    [ -x "$AR_PG_BIN/pg_ctl" ] ||
        ar_die "no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql or set PGHOST/PGPORT/PGUSER"
    AR_PG_DATA="$AR_PGDATA_ROOT/data"
    AR_PG_PORT="${AR_PG_PORT:-5433}"
    AR_PG_SOCK="$AR_PGDATA_ROOT/run"
    # A Unix socket path is limited to ~107 bytes: use /tmp for deep clones.
    [ "${#AR_PG_SOCK}" -lt 85 ] || AR_PG_SOCK="/tmp/ar_pg_$(id -u)_$(cksum <<<"$AR_ROOT" | cut -d' ' -f1)"
}
ar_pg_private_running() {
    _ar_pg_private_init
    [ -f "$AR_PG_DATA/PG_VERSION" ] && _ar_as_owner "$AR_PG_BIN/pg_ctl" -D "$AR_PG_DATA" status >/dev/null 2>&1
}
ar_pg_private_stop() {
    if ar_pg_private_running; then
        ar_log "stopping private PostgreSQL in $AR_PG_DATA"
        _ar_as_owner "$AR_PG_BIN/pg_ctl" -D "$AR_PG_DATA" -m fast -w stop >/dev/null
    fi
}
_ar_pg_private_start() {
    _ar_pg_private_init
    local user
    user="$(id -un)"
    mkdir -p "$AR_PGDATA_ROOT" "$AR_PG_SOCK"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$AR_PGDATA_ROOT" "$AR_PG_SOCK" 2>/dev/null ||
            ar_die "running as root needs a 'postgres' system user to own the private cluster"
    fi
    if [ ! -f "$AR_PG_DATA/PG_VERSION" ]; then
        ar_log "initialising private PostgreSQL cluster in $AR_PG_DATA (superuser '$user')"
        _ar_as_owner "$AR_PG_BIN/initdb" -D "$AR_PG_DATA" -U "$user" --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$AR_PGDATA_ROOT/initdb.log" 2>&1 || ar_die "initdb failed, see $AR_PGDATA_ROOT/initdb.log"
    fi
    if ! ar_pg_private_running; then
        ar_log "starting private PostgreSQL (socket $AR_PG_SOCK, port $AR_PG_PORT, no TCP)"
        _ar_as_owner "$AR_PG_BIN/pg_ctl" -D "$AR_PG_DATA" -l "$AR_PGDATA_ROOT/server.log" -w -t 60 \
            -o "-k '$AR_PG_SOCK' -p $AR_PG_PORT -c listen_addresses=''" start >/dev/null ||
            ar_die "could not start the private PostgreSQL, see $AR_PGDATA_ROOT/server.log"
        [ "${AR_PG_KEEP:-0}" = 1 ] || ar_on_exit ar_pg_private_stop
    fi
    export PGHOST="$AR_PG_SOCK" PGPORT="$AR_PG_PORT" PGUSER="$user"
}

ar_find_pg() {
    local mode=socket
    if [ "${AR_PG_PRIVATE:-0}" = 1 ]; then mode=private
    elif [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        mode=env
        _ar_pg_usable || ar_die "PostgreSQL given by PGHOST='${PGHOST:-}' PGPORT='${PGPORT:-}' PGUSER='${PGUSER:-}' does not answer, or its role may not create databases"
    elif ! _ar_pg_usable; then
        ar_log "no usable PostgreSQL on the default socket; using a private cluster in $AR_PGDATA_ROOT"
        mode=private
    fi
    if [ "$mode" = private ]; then
        _ar_pg_private_start
        _ar_pg_usable || ar_die "the private PostgreSQL cluster does not answer (see $AR_PGDATA_ROOT/server.log)"
    fi
    ar_log "PostgreSQL: $mode (host='${PGHOST:-<default socket>}' port='${PGPORT:-<default>}' user='${PGUSER:-$(id -un)}')"
}

ar_env_init() {
    [ -f "$AR_ROOT/$AR_ADDON/__manifest__.py" ] || ar_die "$AR_ROOT/$AR_ADDON/__manifest__.py not found"
    ar_find_odoo
    ar_find_pg
    mkdir -p "$AR_STATE/data" "$AR_STATE/logs"
    ODOO_RC="$AR_STATE/odoo.conf"
    cat >"$ODOO_RC.tmp.$$" <<EOF
; Generated by scripts/odoo_env.sh -- do not edit, it is rewritten on each run.
[options]
addons_path = $ODOO_ADDONS,$AR_ROOT
data_dir = $AR_STATE/data
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
db_user = ${PGUSER:-$(id -un)}
db_password = False
; demo data is loaded by default (Odoo 18); test/bench pass --without-demo=all
without_demo = False
; no database manager: the server must never list, drop or create other databases
list_db = False
http_interface = 127.0.0.1
http_port = ${AR_HTTP_PORT:-8069}
max_cron_threads = 1
log_level = info
EOF
    mv -f "$ODOO_RC.tmp.$$" "$ODOO_RC"
    export ODOO_RC
    AR_ENV_READY=1
}

# --- databases: create and drop only our own ---------------------------------
ar_db_exists() { [ "$(_ar_psql -v "n=$1" <<<"select count(*) from pg_database where datname = :'n';")" = 1 ]; }
ar_module_state() { psql -X -q -t -A -d "$1" -c "select state from ir_module_module where name = '$AR_ADDON'" 2>/dev/null || true; }

# ar_install_new DB [odoo options]: Odoo creates DB (which must not exist) and
# installs the addon into it; DB is remembered for ar_drop_created_dbs.
ar_install_new() {
    local db="$1" state
    shift
    [[ "$db" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || ar_die "refusing odd database name '$db'"
    ! ar_db_exists "$db" || ar_die "database $db exists already; it is not ours to use"
    AR_CREATED_DBS+=("$db")
    ar_log "creating database $db and installing $AR_ADDON"
    ar_odoo -d "$db" -i "$AR_ADDON" --stop-after-init --no-http --log-level="${AR_ODOO_LOG_LEVEL:-warn}" "$@" ||
        ar_die "Odoo failed to create $db or install $AR_ADDON into it (exit $?)"
    state="$(ar_module_state "$db")"
    [ "$state" = installed ] ||
        ar_die "$AR_ADDON is '${state:-absent}' in $db after the install, not 'installed' (see the Odoo log above)"
}

# Drop the databases created by this shell, with pytest-xdist's copies of them
# ("<db>-gwN") and their filestores (odoo-bin db drop).  Nothing else.
ar_drop_created_dbs() {
    local db copy
    for db in "${AR_CREATED_DBS[@]}"; do
        for copy in $(_ar_psql -v "p=$db-gw%" <<<"select datname from pg_database where datname like :'p';" 2>/dev/null) "$db"; do
            if ar_odoo db drop "$copy" >/dev/null 2>&1 || dropdb --if-exists --force "$copy"; then
                ar_log "dropped database $copy"
            else
                ar_log "WARNING: could not drop database $copy"
            fi
        done
    done
    AR_CREATED_DBS=()
}

# A throwaway database for test/bench/screenshots (without demo data) or the demo check
# (`ar_throwaway_db NAME --with-demo`): dropped on exit unless AR_KEEP_DB=1.
ar_throwaway_db() {
    local demo=(--without-demo=all)
    [ "${2:-}" != --with-demo ] || demo=()  # odoo.conf's without_demo = False: demo data loaded
    DB="ar_collections_$1_$(date +%Y%m%d%H%M%S)_$$"
    if [ "${AR_KEEP_DB:-0}" = 1 ]; then ar_on_exit "ar_log 'AR_KEEP_DB=1: keeping database $DB'"
    else ar_on_exit ar_drop_created_dbs
    fi
    ar_install_new "$DB" "${demo[@]}"
}
