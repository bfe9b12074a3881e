#!/usr/bin/env bash
# make screenshots: refresh the README screenshots in docs/screenshots/.
#
# Installs ar_collections (no demo data) into a throwaway database, then runs
# ar_collections/tests/test_screenshots.py with AR_SCREENSHOTS=1: it builds a
# small book of receivables relative to today, opens the main screens in
# headless Chromium as each role and saves PNGs (plus the first page of a
# dunning letter PDF through pdftoppm).  Needs chromium (or google-chrome),
# websocket-client, wkhtmltopdf and pdftoppm (poppler-utils).
# The database is dropped on exit (AR_KEEP_DB=1 keeps it).
set -euo pipefail
# shellcheck source=scripts/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
cd "$AR_ROOT"
ar_require_addon
ar_find_odoo
command -v pdftoppm >/dev/null || ar_die "pdftoppm not found (apt-get install poppler-utils)"
ar_env_init

DB="ar_collections_shots_$(date +%Y%m%d%H%M%S)_$$"
if [ "${AR_KEEP_DB:-0}" = 1 ]; then
    ar_on_exit 'ar_log "AR_KEEP_DB=1: keeping database $DB"'
else
    ar_on_exit ar_drop_created_dbs
fi
ar_create_db "$DB"
ar_install_addon "$DB" --without-demo=all

AR_SCREENSHOTS=1 "$PYTHON" -m pytest --odoo-config="$ODOO_RC" --odoo-database="$DB" --odoo-http \
    "$AR_ADDON/tests/test_screenshots.py" -q "$@"
ar_log "screenshots written to docs/screenshots/"
ls -l docs/screenshots/
