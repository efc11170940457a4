# BoothApp. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
export QT_QPA_PLATFORM ?=

.DEFAULT_GOAL := help
.PHONY: help sysdeps venv run demo demo-hub test test-fast lint typecheck contracts unit unit-fast bench \
        dist clean i18n i18n-qm i18n-core

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

sysdeps: ## install missing system libraries (libzbar0, Qt runtime) with apt-get
	@bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $(STAMP)

venv: sysdeps $(STAMP) ## create .venv with the app and its test tools

run: venv ## start the desktop app (offers the demo feed when there is no camera)
	$(VENV)/bin/boothapp

demo: venv ## start the app on a demo event with a generated badge video as camera
	$(VENV)/bin/boothapp demo

demo-hub: venv ## the demo on an event hub: PostgreSQL on loopback, two app windows
	$(VENV)/bin/boothapp demo --hub

lint: venv ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv ## mypy over the whole package (strict on the core)
	$(VENV)/bin/mypy

contracts: venv ## import-linter: no Qt in the core, layers point one way, widgets only via gui verbs
	$(VENV)/bin/lint-imports

unit: venv ## the whole pytest suite, real servers on loopback included
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

unit-fast: venv ## pytest without the tests marked integration (no real servers)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not integration"

test: lint typecheck contracts unit ## everything CI runs: lint, types, import contracts, all tests

test-fast: lint typecheck contracts unit-fast ## the same without the real servers (SMTP, IMAP, PostgreSQL, CRMs)

i18n-core: venv ## extract the core's strings (CLI, reports, exports) with Babel into the .po files
	$(PY) scripts/i18n_core.py

bench: venv ## run every benchmark under bench/ (each ends with one JSON line)
	@for b in bench/*.py; do case $$b in */_*|*/synthetic_frames.py) continue;; esac; \
	  case $$b in */hub.py|*/demo_build.py) args=--quick;; *) args=;; esac; \
	  echo "== $$b $$args"; QT_QPA_PLATFORM=offscreen $(PY) $$b $$args || exit 1; done

i18n: venv ## pyside6-lupdate the UI strings into boothapp/assets/i18n/*.ts and fill the wording
	$(PY) scripts/i18n_fill.py

i18n-qm: venv ## compile the .ts catalogues to .qm with pyside6-lrelease
	@for ts in boothapp/assets/i18n/boothapp_*.ts; do \
	  $(VENV)/bin/pyside6-lrelease -silent $$ts -qm $${ts%.ts}.qm || exit 1; done

dist: venv i18n-qm ## build the one-folder app with PyInstaller into dist/boothapp
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
	  --distpath dist --workpath build/pyinstaller packaging/boothapp.spec
	dist/boothapp/boothapp --version

clean: ## remove build output (keeps .venv)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
