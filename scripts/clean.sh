#!/usr/bin/env bash
# make clean: stop and remove the private PostgreSQL cluster (.pgdata, only
# ever created by these scripts) and remove .odoo (generated config, logs,
# filestores).  Databases on any other PostgreSQL server are left alone; note
# that a demo database kept there loses its filestore (attachments) with .odoo.
set -euo pipefail
# shellcheck source=scripts/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
cd "$AR_ROOT"

if [ -d "$AR_PGDATA_ROOT" ]; then
    ar_pg_private_stop || ar_die "could not stop the private PostgreSQL in $AR_PGDATA_ROOT"
    _ar_pg_private_paths
    rm -rf "$AR_PGDATA_ROOT"
    case "$AR_PG_SOCKDIR" in
        /tmp/ar_pg_*) rm -rf "$AR_PG_SOCKDIR" ;;
    esac
    ar_log "removed $AR_PGDATA_ROOT"
fi
if [ -d "$AR_ODOO_STATE" ]; then
    rm -rf "$AR_ODOO_STATE"
    ar_log "removed $AR_ODOO_STATE"
fi
