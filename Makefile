# SoHoa: the two commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test lint bench screenshots package test-package clean test-windows scenario

setup:            ## install system packages (apt) and the venv (pip); idempotent
	@installer/setup.sh

demo: setup       ## run the main job end to end on embedded defaults
	@echo "[demo] running sohoa demo"
	@$(VENV)/bin/sohoa demo

test: setup       ## ruff, the layer contracts (import-linter), then the whole test suite
	@echo "[test] ruff check"
	@$(VENV)/bin/ruff check .
	@echo "[test] lint-imports (the layers)"
	@$(VENV)/bin/lint-imports --no-cache
	@echo "[test] pytest"
	@$(PY) -m pytest -q

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/lint-imports --no-cache

bench: setup      ## every benchmark in bench/ (prints its figures)
	@for b in bench/bench_*.py; do echo "[bench] $$b"; $(PY) $$b || exit 1; done

package: setup    ## build dist/sohoa_VERSION_amd64.deb (PyInstaller one-folder app), print its size
	@installer/linux/build_deb.sh

test-package: package  ## install the .deb into a fresh root and run the installed app
	@SOHOA_DEB=$$(ls -t dist/sohoa_*_amd64.deb | head -1) $(PY) -m pytest -q -m package tests/package

screenshots: setup  ## a PNG of each view (demo data) under Xvfb, into docs/screenshots/
	@for v in counter batch-sign queue backlog statistics settings report; do \
	  echo "[screenshots] $$v"; \
	  xvfb-run -a -s "-screen 0 1280x1024x24" $(VENV)/bin/sohoa gui --screenshot docs/screenshots/$$v.png --view $$v \
	    || exit 1; \
	done

clean:
	rm -rf build dist demo-output .pytest_cache

test-windows: setup  ## Wine: the real TWAIN stack, the Windows build (PyInstaller + NSIS), installed and run
	@installer/windows/test-windows.sh

scenario: setup   ## a working day through the real widgets under Xvfb at 1366x768; screenshots into scenario-output/
	@xvfb-run -a -s "-screen 0 1366x768x24" $(PY) scenario/run_day.py scenario-output
