# learntorch: set-up, course and test entry points. Run `make` for the list.
# Everything lives in ./.venv; only python3 (3.10+) and make are needed up front.

PYTHON  ?= python3
VENV    := .venv
VPY     := $(VENV)/bin/python
LOCK    := requirements/lock.txt
# Reinstall only when the lock or the package metadata changed.
STAMP   := $(VENV)/.learntorch-setup.stamp
WORKERS ?= 2
PYTEST_ARGS ?=
PYTEST   = $(VPY) -m pytest
# --dist loadfile keeps each file on one worker: a notebook's cells share one kernel.
XDIST    = -n $(WORKERS) --dist loadfile
# The course's notebooks (DESIGN §6). chapters/ and solutions/ run under nbval in
# strict mode (stored outputs compared, after tests/notebooks/sanitize.cfg);
# exercises/ in lax mode (must run top to bottom with the stubs unfilled).
NOTEBOOKS = $(wildcard chapters/*.ipynb solutions/*.ipynb)
EXERCISE_NOTEBOOKS = $(wildcard exercises/*.ipynb)
NB_CELL_TIMEOUT ?= 300
# nbval_store_history: run cells as Jupyter does (a trailing ';' hides the value).
NBVAL_ARGS = -p tests.notebooks.nbval_store_history --nbval-current-env \
	--nbval-sanitize-with tests/notebooks/sanitize.cfg --nbval-cell-timeout=$(NB_CELL_TIMEOUT)
# OpenBLAS picks its matrix-product kernels by CPU (Haswell and Zen: AVX2; SkylakeX: AVX-512)
# and they round differently, so a float32 training run (chapter 06's LeNet) ends a few
# thousandths apart on an Intel AVX-512 Xeon and an AMD EPYC. The stored outputs are compared
# on whatever x86-64 CPU CI gets: the notebooks run (and are refreshed) with one kernel family.
BLAS_ENV = $(if $(filter x86_64,$(shell uname -m)),OPENBLAS_CORETYPE=Haswell)
START_NOTEBOOK = $(wildcard chapters/00_start_here.ipynb)
# Jupyter refuses to start as root (containers) unless told to.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

.DEFAULT_GOAL := help
.PHONY: help setup test lab bench exercises notebooks lock clean

help:
	@echo "learntorch make targets:"
	@echo "  make lab        set up, then open the course in JupyterLab"
	@echo "  make test       set up, then run every test: unit, parity, notebooks (nbval), browser smoke test"
	@echo "  make bench      set up, then run the benchmarks (python -m bench) and write README's table"
	@echo "  make exercises  set up, then build the exercise notebooks (tools/build_exercises.py)"
	@echo "  make notebooks  set up, re-run chapters/ and solutions/ to refresh stored outputs, rebuild exercises"
	@echo "  make lock       regenerate $(LOCK) from pyproject.toml (fresh temporary venv)"
	@echo "  make clean      remove .venv, caches and build artefacts"
	@echo "Set-up (run by lab/test/bench/exercises): .venv from $(LOCK), editable"
	@echo "learntorch, Jupyter kernel 'learntorch', graphviz 'dot'; make test also installs chromium (root)."

$(VPY):
	@bash tools/make_venv.sh "$(PYTHON)" "$(VENV)"

$(STAMP): $(LOCK) pyproject.toml | $(VPY)
	$(VPY) -m pip install -r $(LOCK)
	$(VPY) -m pip install --no-deps -e .
	$(VPY) -m ipykernel install --sys-prefix --name learntorch --display-name "Python (learntorch)"
	@touch $@

setup: $(STAMP)
	@bash tools/ensure_program.sh dot graphviz "graphviz 'dot' not found: install it with 'sudo apt-get install graphviz' (or 'brew install graphviz'); graph tests will report that they need it."

# Two pytest runs, both always run; make test fails if either fails:
#   1. exercises/ with --nbval-lax (skipped, with a note, when there are none);
#   2. tests/ (unit, parity, browser smoke test) + chapters/ and solutions/ with
#      --nbval, last so that its summary closes the output.
# pytest exits 5 when it collected no tests: that fails run 2 (tests/ is never
# empty); in run 1 it only means no exercise cell was collected or selected.
# Before the runs: Chromium for the browser test (tools/ensure_program.sh), and
# matplotlib's font cache, built here so that no notebook prints "building the
# font cache" on a fresh machine.
test: setup
	@bash tools/ensure_program.sh chromium chromium "chromium not found: install it with 'sudo apt-get install chromium'; the browser smoke test will be skipped."
	@$(VPY) -c "import matplotlib.font_manager"
	@rc=0; \
	if [ -n "$(strip $(EXERCISE_NOTEBOOKS))" ]; then \
	  echo "== exercises/ (nbval-lax: run top to bottom, outputs not compared)"; \
	  $(BLAS_ENV) $(PYTEST) $(if $(word 2,$(EXERCISE_NOTEBOOKS)),$(XDIST)) $(PYTEST_ARGS) --nbval-lax $(NBVAL_ARGS) $(EXERCISE_NOTEBOOKS); \
	  r=$$?; if [ $$r -eq 5 ]; then echo "make test: no exercise cells collected"; r=0; fi; \
	  [ $$r -eq 0 ] || rc=$$r; \
	else \
	  echo "== exercises/: no notebooks yet, nothing to run in lax mode"; \
	fi; \
	echo "== tests/ (unit, parity, browser)$(if $(NOTEBOOKS), + chapters/ and solutions/ (nbval: outputs compared))"; \
	$(BLAS_ENV) $(PYTEST) $(XDIST) $(PYTEST_ARGS) tests $(if $(NOTEBOOKS),--nbval $(NBVAL_ARGS) $(NOTEBOOKS)); \
	r=$$?; if [ $$r -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	[ $$r -eq 0 ] || rc=$$r; \
	if [ $$rc -ne 0 ]; then echo "make test: FAILED (see above)" >&2; fi; \
	exit $$rc

# JupyterLab shows stored SVG/HTML only in trusted notebooks: trust the course's own.
lab: setup
	$(if $(NOTEBOOKS),$(VENV)/bin/jupyter trust $(NOTEBOOKS))
	$(VENV)/bin/jupyter lab $(LAB_ARGS) $(START_NOTEBOOK)

# The table, the machine it ran on and the load are also written into README.md's
# benchmark section (between its bench:start/bench:end lines), so the README shows what the
# code does. BENCH_ARGS adds options (e.g. BENCH_ARGS=--json=bench.json).
BENCH_ARGS ?=
bench: setup
	$(VPY) -m bench --readme README.md $(BENCH_ARGS)

exercises: setup
	$(VPY) tools/build_exercises.py

# Refresh stored outputs after a deliberate change (byte-identical when nothing changed).
notebooks: setup
	$(BLAS_ENV) $(VPY) tools/execute_notebooks.py $(NOTEBOOKS)
	$(VPY) tools/build_exercises.py

# Deliberate re-pin: resolve .[test,lab] with pyproject's loose ranges in a
# throwaway venv and freeze it. torch's local label (+cpu) is dropped so the
# pin works with any torch 2.13.0 wheel pip can find. setuptools stays pinned
# because torch depends on it at run time; pip and wheel are left out.
lock:
	@set -eu; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	bash tools/make_venv.sh "$(PYTHON)" "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e ".[test,lab]"; \
	{ \
	  echo "# Fully pinned environment for 'make test' and 'make lab'"; \
	  echo "# (runtime deps + [test] + [lab] extras of pyproject.toml)."; \
	  echo "# Generated by 'make lock' with $$("$$tmp/venv/bin/python" -V) on $$(uname -sm); do not edit by hand."; \
	  "$$tmp/venv/bin/python" -m pip freeze --all --exclude-editable \
	    | grep -vE '^(#|-e |pip==|wheel==|learntorch([ =@]|$$))' \
	    | sed -E 's/^(torch==[^+]+)\+.*$$/\1/'; \
	} > "$(LOCK).tmp"; \
	if cmp -s "$(LOCK).tmp" "$(LOCK)"; then rm -f "$(LOCK).tmp"; echo "$(LOCK) unchanged"; \
	else mv "$(LOCK).tmp" "$(LOCK)"; echo "wrote $(LOCK) ($$(grep -c '==' $(LOCK)) pins)"; fi

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
	find . -path ./.git -prune -o -type d \( -name __pycache__ -o -name .ipynb_checkpoints \) -prune -exec rm -rf {} +
