# shellcheck shell=bash
# Shared environment for the project's scripts.  Source it, then call
# `ar_env_init` (finds Odoo 18.0 and PostgreSQL, writes .odoo/odoo.conf and
# exports ODOO_RC).  Sourcing alone only defines variables and functions, so
# `make clean` can use it without Odoo installed.
#
# Odoo 18.0 is a prerequisite: nothing here installs it.
#
# Environment knobs:
#   PYTHON                 python interpreter that imports odoo (default python3)
#   PGHOST/PGPORT/PGUSER   use this PostgreSQL server (as libpq understands them)
#   AR_PG_PRIVATE=1        ignore any server and use the private cluster in .pgdata
#   AR_PG_PORT             port of the private cluster (default 5433; it listens
#                          on its own Unix socket only, never on TCP)
#   AR_PG_KEEP=1           leave a private cluster started by this run running
#   AR_PG_BINDIR           directory holding initdb/pg_ctl (default: newest
#                          /usr/lib/postgresql/*/bin)
#
# Safety rule shared by all scripts: a database is only ever dropped by
# `ar_drop_created_dbs`, which only knows the databases that `ar_create_db`
# created in the same shell (creation fails if the name already exists).

set -euo pipefail

AR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AR_ADDON=ar_collections
AR_ODOO_STATE="$AR_ROOT/.odoo"
AR_DATA_DIR="$AR_ODOO_STATE/data"
AR_LOG_DIR="$AR_ODOO_STATE/logs"
AR_PGDATA_ROOT="$AR_ROOT/.pgdata"
PYTHON="${PYTHON:-python3}"

AR_CREATED_DBS=()
AR_EXIT_HOOKS=()
AR_PG_STARTED=0
AR_ODOO_FOUND=0

ar_log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
ar_die() {
    local code="${2:-1}"
    printf '[%s] ERROR: %s\n' "$(basename "$0")" "$1" >&2
    exit "$code"
}

# ---------------------------------------------------------------------------
# exit hooks: run in reverse order of registration, once, whatever the exit
# ---------------------------------------------------------------------------
ar_on_exit() { AR_EXIT_HOOKS+=("$1"); }
_ar_run_exit_hooks() {
    local rc=$? i
    trap - EXIT INT TERM HUP
    set +e
    for ((i = ${#AR_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
        eval "${AR_EXIT_HOOKS[$i]}"
    done
    exit "$rc"
}
trap _ar_run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---------------------------------------------------------------------------
# Odoo
# ---------------------------------------------------------------------------
ar_find_odoo() {
    local out
    if ! out="$("$PYTHON" - 2>/dev/null <<'EOF'
import os
import odoo
from odoo import release
print(release.version_info[0])
print(os.path.dirname(os.path.abspath(odoo.__file__)))
EOF
)"; then
        ar_die "Odoo 18.0 is not importable by $PYTHON; install it as the README says" 2
    fi
    local major
    major="$(sed -n 1p <<<"$out")"
    ODOO_PKG_DIR="$(sed -n 2p <<<"$out")"
    if [ "$major" != 18 ]; then
        ar_die "Odoo 18.0 is not importable by $PYTHON (found Odoo $major at $ODOO_PKG_DIR); install it as the README says" 2
    fi
    local src_root
    src_root="$(dirname "$ODOO_PKG_DIR")"
    ODOO_ADDONS="$ODOO_PKG_DIR/addons"
    if [ -d "$src_root/addons" ] && [ -d "$src_root/addons/web" ]; then
        ODOO_ADDONS="$ODOO_ADDONS,$src_root/addons"
    fi
    if [ -f "$src_root/odoo-bin" ]; then
        ODOO_BIN=("$PYTHON" "$src_root/odoo-bin")
    elif command -v odoo >/dev/null 2>&1; then
        ODOO_BIN=("$(command -v odoo)")
    else
        ar_die "found Odoo at $ODOO_PKG_DIR but neither $src_root/odoo-bin nor an 'odoo' command on PATH" 2
    fi
    AR_ODOO_FOUND=1
    export ODOO_ADDONS
}

# Run Odoo's command line (server by default; `ar_odoo shell ...` etc.).
ar_odoo() {
    if [ "$#" -gt 0 ] && [[ "$1" != -* ]]; then
        local cmd="$1"
        shift
        "${ODOO_BIN[@]}" "$cmd" -c "$ODOO_RC" "$@"
    else
        "${ODOO_BIN[@]}" -c "$ODOO_RC" "$@"
    fi
}

ar_require_addon() {
    [ -f "$AR_ROOT/$AR_ADDON/__manifest__.py" ] ||
        ar_die "$AR_ROOT/$AR_ADDON/__manifest__.py not found"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------
_ar_psql() { psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"; }

# Can we connect with the current PG* environment and create databases?
_ar_pg_usable() {
    command -v psql >/dev/null 2>&1 || return 1
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -t 5 >/dev/null 2>&1 || return 1
    fi
    local can
    can="$(_ar_psql -d postgres -c \
        "select rolsuper or rolcreatedb from pg_roles where rolname = current_user" 2>/dev/null)" || return 1
    [ "$can" = t ]
}

_ar_pg_bindir() {
    if [ -n "${AR_PG_BINDIR:-}" ]; then
        printf '%s\n' "$AR_PG_BINDIR"
        return
    fi
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$d" ] && command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir)"
    fi
    [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] ||
        ar_die "no PostgreSQL server binaries (initdb, pg_ctl) found; install postgresql or set PGHOST/PGPORT/PGUSER"
    printf '%s\n' "$d"
}

# Run a server binary as the cluster owner (postgres refuses to run as root).
_ar_as_pg_owner() {
    if [ "$(id -u)" != 0 ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u postgres -- "$@")
    else
        local q
        q="$(printf '%q ' "$@")"
        (cd / && su postgres -s /bin/sh -c "$q")
    fi
}

# Paths of the private cluster.
_ar_pg_private_paths() {
    AR_PG_DATA="$AR_PGDATA_ROOT/data"
    AR_PG_PORT="${AR_PG_PORT:-5433}"
    AR_PG_SOCKDIR="$AR_PGDATA_ROOT/run"
    # A Unix socket path is limited to ~107 bytes; use /tmp for deep clones.
    if [ "$(printf '%s/.s.PGSQL.%s' "$AR_PG_SOCKDIR" "$AR_PG_PORT" | wc -c)" -gt 100 ]; then
        AR_PG_SOCKDIR="/tmp/ar_pg_$(id -u)_$(printf '%s' "$AR_ROOT" | cksum | cut -d' ' -f1)"
    fi
}

ar_pg_private_running() {
    _ar_pg_private_paths
    [ -f "$AR_PG_DATA/PG_VERSION" ] || return 1
    local bindir
    bindir="$(_ar_pg_bindir)"
    _ar_as_pg_owner "$bindir/pg_ctl" -D "$AR_PG_DATA" status >/dev/null 2>&1
}

ar_pg_private_start() {
    _ar_pg_private_paths
    local bindir user
    bindir="$(_ar_pg_bindir)"
    user="$(id -un)"
    if [ "$user" = postgres ] || [ "$(id -u)" = 0 ]; then
        getent passwd postgres >/dev/null ||
            ar_die "running as root needs a 'postgres' system user to own the private cluster"
    fi
    mkdir -p "$AR_PGDATA_ROOT" "$AR_PG_SOCKDIR"
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$AR_PGDATA_ROOT" "$AR_PG_SOCKDIR"
        _ar_as_pg_owner test -w "$AR_PGDATA_ROOT" ||
            ar_die "user postgres cannot write $AR_PGDATA_ROOT (is a parent directory private?); set PGHOST/PGPORT/PGUSER to a running server instead"
    fi
    if [ ! -f "$AR_PG_DATA/PG_VERSION" ]; then
        ar_log "initialising private PostgreSQL cluster in $AR_PG_DATA (superuser '$user')"
        local locale_opt=(--no-locale)
        if locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
            locale_opt=(--locale=C.UTF-8)
        fi
        _ar_as_pg_owner "$bindir/initdb" -D "$AR_PG_DATA" -U "$user" --auth=trust \
            -E UTF8 "${locale_opt[@]}" >"$AR_PGDATA_ROOT/initdb.log" 2>&1 ||
            ar_die "initdb failed, see $AR_PGDATA_ROOT/initdb.log"
    fi
    if ar_pg_private_running; then
        ar_log "private PostgreSQL already running (socket $AR_PG_SOCKDIR, port $AR_PG_PORT)"
    else
        ar_log "starting private PostgreSQL (socket $AR_PG_SOCKDIR, port $AR_PG_PORT, no TCP)"
        _ar_as_pg_owner "$bindir/pg_ctl" -D "$AR_PG_DATA" -l "$AR_PGDATA_ROOT/server.log" -w -t 60 \
            -o "-k '$AR_PG_SOCKDIR' -p $AR_PG_PORT -c listen_addresses=''" start >/dev/null ||
            ar_die "could not start the private PostgreSQL, see $AR_PGDATA_ROOT/server.log"
        AR_PG_STARTED=1
    fi
    export PGHOST="$AR_PG_SOCKDIR" PGPORT="$AR_PG_PORT" PGUSER="$user"
}

ar_pg_private_stop() {
    if ar_pg_private_running; then
        ar_log "stopping private PostgreSQL in $AR_PG_DATA"
        _ar_as_pg_owner "$(_ar_pg_bindir)/pg_ctl" -D "$AR_PG_DATA" -m fast -w stop >/dev/null
    fi
}

# Sets AR_PG_MODE (env|socket|private) and exports PGHOST/PGPORT/PGUSER as needed.
ar_find_pg() {
    if [ "${AR_PG_PRIVATE:-0}" = 1 ]; then
        AR_PG_MODE=private
    elif [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ]; then
        AR_PG_MODE="env"
        _ar_pg_usable || ar_die "PostgreSQL given by PGHOST='${PGHOST:-}' PGPORT='${PGPORT:-}' PGUSER='${PGUSER:-}' does not answer, or its role may not create databases"
    elif _ar_pg_usable; then
        AR_PG_MODE=socket
    else
        ar_log "no usable PostgreSQL on the default socket; using a private cluster in $AR_PGDATA_ROOT"
        AR_PG_MODE=private
    fi
    if [ "$AR_PG_MODE" = private ]; then
        ar_pg_private_start
        if [ "$AR_PG_STARTED" = 1 ] && [ "${AR_PG_KEEP:-0}" != 1 ]; then
            ar_on_exit ar_pg_private_stop
        fi
        _ar_pg_usable || ar_die "the private PostgreSQL cluster does not answer (see $AR_PGDATA_ROOT/server.log)"
    fi
    ar_log "PostgreSQL: $AR_PG_MODE (host='${PGHOST:-<default socket>}' port='${PGPORT:-<default>}' user='${PGUSER:-$(id -un)}')"
}

# ---------------------------------------------------------------------------
# Odoo configuration file
# ---------------------------------------------------------------------------
ar_write_config() {
    mkdir -p "$AR_ODOO_STATE" "$AR_DATA_DIR" "$AR_LOG_DIR"
    ODOO_RC="$AR_ODOO_STATE/odoo.conf"
    local tmp="$ODOO_RC.tmp.$$"
    cat >"$tmp" <<EOF
; Generated by scripts/odoo_env.sh -- do not edit, it is rewritten on each run.
[options]
addons_path = $ODOO_ADDONS,$AR_ROOT
data_dir = $AR_DATA_DIR
db_host = ${PGHOST:-False}
db_port = ${PGPORT:-False}
db_user = ${PGUSER:-$(id -un)}
db_password = False
; demo data is loaded by default (Odoo 18); test/bench pass --without-demo=all
without_demo = False
; no database manager: the server must never list, drop or create other databases
list_db = False
http_interface = 127.0.0.1
http_port = 8069
max_cron_threads = 1
log_level = info
EOF
    mv -f "$tmp" "$ODOO_RC"
    export ODOO_RC
}

ar_env_init() {
    [ "$AR_ODOO_FOUND" = 1 ] || ar_find_odoo
    ar_find_pg
    ar_write_config
}

# ---------------------------------------------------------------------------
# databases (create / drop only our own)
# ---------------------------------------------------------------------------
ar_db_exists() {
    [ "$(_ar_psql -d postgres -v "n=$1" <<<"select count(*) from pg_database where datname = :'n';")" = 1 ]
}

# State of a module in a database ("installed", ...); empty if unknown.
ar_module_state() {
    _ar_psql -d "$1" -v "m=$2" 2>/dev/null <<<"select state from ir_module_module where name = :'m';" || true
}

# Create an empty database exactly as Odoo does (template0, LC_COLLATE C,
# pg_trgm); fails if the name exists.  Remembers it for ar_drop_created_dbs.
ar_create_db() {
    local name="$1"
    [[ "$name" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] || ar_die "refusing odd database name '$name'"
    "$PYTHON" - "$name" <<'EOF' || ar_die "could not create database '$name' (does it exist already?)"
import sys
import odoo
from odoo.tools import config
config.parse_config(['--log-level=warn'])
odoo.service.db._create_empty_database(sys.argv[1])
odoo.sql_db.close_all()
EOF
    AR_CREATED_DBS+=("$name")
    ar_log "created database $name"
}

# Drop the databases this shell created (plus pytest-xdist copies of them,
# named "<db>-gwN" by pytest-odoo), and their filestores.  Nothing else.
ar_drop_created_dbs() {
    local db extra
    for db in "${AR_CREATED_DBS[@]}"; do
        for extra in $(_ar_psql -d postgres -v "p=$db-gw%" \
            <<<"select datname from pg_database where datname like :'p';" 2>/dev/null); do
            [[ "$extra" == "$db"-gw* ]] && _ar_dropdb "$extra"
        done
        _ar_dropdb "$db"
    done
    AR_CREATED_DBS=()
}

_ar_dropdb() {
    if dropdb --if-exists --force "$1" 2>/dev/null || dropdb --if-exists "$1"; then
        ar_log "dropped database $1"
    else
        ar_log "WARNING: could not drop database $1"
    fi
    rm -rf "${AR_DATA_DIR:?}/filestore/$1"
}

# Install the addon into a database (ours), then check it really is installed.
#   ar_install_addon DB [extra odoo options, e.g. --without-demo=all]
ar_install_addon() {
    local db="$1"
    shift
    ar_log "installing $AR_ADDON into $db"
    ar_odoo -d "$db" -i "$AR_ADDON" --stop-after-init --no-http \
        --log-level="${AR_ODOO_LOG_LEVEL:-warn}" "$@" ||
        ar_die "Odoo failed to install $AR_ADDON into $db (exit $?)"
    local state
    state="$(ar_module_state "$db" "$AR_ADDON")"
    [ "$state" = installed ] ||
        ar_die "$AR_ADDON is '${state:-absent}' in $db after the install, not 'installed' (see the Odoo log above)"
}
