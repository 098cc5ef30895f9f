# Every target bootstraps .venv (pinned dependencies, nnlib editable, Jupyter kernel) if missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=300
# pytest-xdist workers for `make test`: the cores, at most 4 (each grading test starts two
# kernels of its own). TEST_JOBS=1 runs one worker; the grouping is in tests/conftest.py.
TEST_JOBS ?= $(shell n=$$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

.PHONY: help venv lab hub test test-fast release validate grade report formgrader run bench clean

help:
	@echo "make lab        start JupyterLab on notebooks/ (creates .venv on first use)"
	@echo "make hub        a local JupyterHub class (1 instructor, 2 students; root, Linux) until Ctrl-C"
	@echo "make test       the whole test suite (library, notebooks, release, grading, mutants) [TEST_JOBS=n]"
	@echo "make test-fast  the tests not marked slow: library, CLI, release leaks (seconds)"
	@echo "make release [NB=01]            regenerate notebooks/ from solutions/"
	@echo "make validate NB=path.ipynb     run a notebook's tests, readable summary"
	@echo "make grade SUBS=folder A=01 [JOBS=n]  autograde submissions, feedback, grades.csv"
	@echo "make report A=01                after grade: class report (mistakes, similarity, CSVs)"
	@echo "make formgrader A=01            JupyterLab on the gradebook of 'make grade' (written answers)"
	@echo "make run [NB=01]                execute solution notebooks, seconds per notebook"
	@echo "make bench [BENCH_ARGS=--skip-test-suite]  benchmarks -> bench/results/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "nnlib needs Python 3.11, this is " + sys.version.split()[0] + ": run make PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# jsonschema imports rfc3987-syntax when it is installed and builds its lark grammar on
	@# import: ~0.8 s in every nbformat/nbclient/nbgrader process (each graded submission
	@# starts several). Nothing here validates IRI formats, so leave it out (tests/test_startup.py).
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax lark
	$(BIN)/python -m ipykernel install --user --name nn-course --display-name "NN course (.venv)" >/dev/null
	touch $(STAMP)

venv: $(STAMP)

ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG)

PROXY := hub/node_modules/.bin/configurable-http-proxy
$(PROXY): hub/package.json hub/package-lock.json
	npm ci --prefix hub --no-audit --no-fund --silent
	touch $(PROXY)

hub: $(STAMP) $(PROXY)
	$(BIN)/python hub/classroom.py

test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup tests solutions $(NBVAL)

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -m "not slow"

release: $(STAMP)
	$(BIN)/python -m nnlib.course release $(NB)

validate: $(STAMP)
	$(BIN)/python -m nnlib.course validate $(NB)

grade: $(STAMP)
	$(BIN)/python -m nnlib.course grade $(SUBS) --assignment $(A) $(if $(JOBS),--jobs $(JOBS))

report: $(STAMP)
	$(BIN)/python -m nnlib.course report --assignment $(A)

formgrader: $(STAMP)
	NNLIB_GRADING_DIR=.grading/$(notdir $(wildcard solutions/$(A)*)) $(BIN)/jupyter lab $(ROOT_FLAG)

run: $(STAMP)
	$(BIN)/python -m nnlib.course run $(NB)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf .grading bench/results .pytest_cache
