# Developer entry points.  Odoo 18.0 must already be importable by python3
# (see README); `pip install -r requirements-dev.txt` brings the rest.
#
#   make demo            serve a demo database on http://127.0.0.1:8069 (admin/admin)
#   make test [ARGS=..]  lint + pytest on a throwaway database (ARGS go to pytest)
#   make bench [ARGS=..] scripts/bench.py on a throwaway database
#   make lint            pre-commit's hooks on every file (ruff, ruff format --check, pylint-odoo)
#   make format          ruff check --fix + ruff format (rewrites files)
#   make screenshots     refresh docs/screenshots/ (headless Chromium, throwaway database)
#   make clean           remove .odoo/ and the private PostgreSQL cluster in .pgdata/

SHELL := /bin/bash
ARGS ?=

.PHONY: demo test bench lint format clean screenshots

demo test bench lint format screenshots clean:
	bash scripts/run.sh $@ $(ARGS)
