# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench bench-load bench-pages bench-report bench-reviewer serve worker clean messages screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: export DJANGO_DEBUG ?= true
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000/ with one background-task worker."
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production settings on this machine: gunicorn (2 workers) and one task worker on http://127.0.0.1:8000/.
# Plain http on the loopback only, hence no SSL redirect and no Secure cookies; the secret key is made
# once for this target and kept in .venv (never a production secret).
SERVE_PORT ?= 8000
serve: export DJANGO_DEBUG = false
serve: export DJANGO_SECRET_KEY_FILE = $(VENV)/.serve-secret-key
serve: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export DJANGO_SECURE_SSL_REDIRECT = false
serve: export DJANGO_SECURE_COOKIES = false
serve: $(STAMP)
	@test -s $(VENV)/.serve-secret-key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(VENV)/.serve-secret-key
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	@echo "Serving production settings on http://127.0.0.1:$(SERVE_PORT)/ (gunicorn, 2 workers) with one task worker."
	@$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn resilience.wsgi --workers 2 --preload --bind 127.0.0.1:$(SERVE_PORT) --access-logfile -

# Load test: its own gunicorn and PostgreSQL database (rb_load), locust headless; prints the figures.
bench-load: $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,load]"
	bash bench/load.sh

# Each page of the load scenario alone: CPU time and queries, beside a yardstick of the machine's speed.
bench-pages: $(STAMP)
	$(BIN)/python bench/pages_bench.py

# National PDF report: median time, pages and peak memory on a scratch SQLite database.
bench-report: $(STAMP)
	$(BIN)/python bench/report_bench.py

# Reviewer heatmap and XLSX export at 32 and at 200 nations (scratch SQLite; --keep DIR reuses it).
bench-reviewer: $(STAMP)
	$(BIN)/python bench/reviewer_bench.py

worker: $(STAMP)
	$(BIN)/python manage.py db_worker

test: $(STAMP)
	$(BIN)/python -m pytest -q -rs

# French: collect every translatable string into locale/fr/LC_MESSAGES/django.po (needs gettext), then
# compile django.mo. Both are committed, so installing and running need no gettext.
MESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=bench --ignore=private \
	--ignore=docs --ignore=locale --ignore='*.egg-info'
messages: export DJANGO_DEBUG ?= true
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr --no-obsolete $(MESSAGES_IGNORE)
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

# Pictures of the main pages for the README (docs/screenshots/), from a freshly seeded scratch database;
# needs Debian's chromium and poppler-utils (pdftoppm).
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3
