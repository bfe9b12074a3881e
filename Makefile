# Developer entry points.  Odoo 18.0 must already be importable by python3
# (see README); `pip install -r requirements.txt` brings the rest.
#
#   make demo            serve a demo database on http://127.0.0.1:8069 (admin/admin)
#   make test [ARGS=..]  lint + pytest on a throwaway database (ARGS go to pytest)
#   make bench [ARGS=..] scripts/bench.py on a throwaway database
#   make lint            ruff (+ pylint-odoo error checks when installed)
#   make screenshots     refresh docs/screenshots/ (headless Chromium, throwaway database)
#   make clean           remove .odoo/ and the private PostgreSQL cluster in .pgdata/

SHELL := /bin/bash
ARGS ?=

.PHONY: demo test bench lint clean screenshots

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh $(ARGS)

bench:
	bash scripts/bench.sh $(ARGS)

lint:
	bash scripts/lint.sh

screenshots:
	bash scripts/screenshots.sh $(ARGS)

clean:
	bash scripts/clean.sh
