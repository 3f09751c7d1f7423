# crimefigures: one Makefile, discoverable targets (`make help`).
# Only python3 and make are needed: the targets build .venv from the pinned requirements.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.crimefigures-installed
KERNEL := crimefigures
# Jupyter refuses to run as root without saying so explicitly (containers, CI machines).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)
# More JupyterLab options, e.g. make lab LAB_OPTS="--no-browser --port=8890".
LAB_OPTS ?=

.DEFAULT_GOAL := help
.PHONY: help venv reproduce run site readme test test-fast browser lint lab clean benchmark
# make reproduce STORY=slug runs one story; empty runs every story in data/raw.
STORY ?=
STORY_ARGS := $(foreach s,$(STORY),--story $(s))

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## /  make /'

# The venv is rebuilt from scratch when the pins or the project metadata change,
# so a removed pin cannot linger.
$(STAMP): requirements.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (crimefigures)" >/dev/null
	touch $(STAMP)

## venv: create .venv with the pinned requirements and the crimefigures kernel
venv: $(STAMP)

## reproduce: the main job: run every notebook for every story (STORY=slug for one), render the site, refresh README numbers
reproduce: $(STAMP)
	$(PY) -m crimefigures run $(STORY_ARGS)
	@$(MAKE) --no-print-directory reports/site/index.html reports/.readme-current

# The site and the README's numbers are rebuilt only when what they are made from changed
# (a sub-make, so the file lists are read after the run).
SITE_INPUTS = $(wildcard reports/*/notebooks/*.ipynb figures/*/manifest.json \
	figures/*/id/manifest.json data/processed/*/*.csv data/processed/README.md \
	data/curated/*/sources.csv data/curated/*/analysis.yml data/raw/*/article.yml \
	src/crimefigures/presentation/site.py src/crimefigures/presentation/readme.py \
	src/crimefigures/presentation/messages.yml src/crimefigures/presentation/templates/*)
reports/site/index.html: $(SITE_INPUTS)
	$(PY) -m crimefigures site
	@touch $@

reports/.readme-current: $(wildcard data/processed/*/*.csv figures/*/manifest.json \
	data/curated/*/analysis.yml data/raw/*/article.yml) src/crimefigures/presentation/readme.py \
	src/crimefigures/presentation/messages.yml
	$(PY) -m crimefigures readme
	@touch $@

## run: run the notebooks only (pass ARGS="--force" or ARGS="-p draws=1000")
run: $(STAMP)
	$(PY) -m crimefigures run $(ARGS)

## site: render the executed notebooks in reports/notebooks into reports/site
site: $(STAMP)
	$(PY) -m crimefigures site

## readme: regenerate the README's numbers from data/processed
readme: $(STAMP)
	$(PY) -m crimefigures readme

## lint: ruff check
lint: $(STAMP)
	$(PY) -m ruff check .

## test: ruff, then pytest (unit tests, end-to-end runs of every notebook, the browser test)
# Two workers sharing the tests (--dist loadgroup keeps a module marked xdist_group, whose
# fixtures its tests share, on one worker): the suite is mostly subprocesses and kernels.
test: $(STAMP) browser
	$(PY) -m ruff check .
	$(PY) -m pytest -n 2 --dist loadgroup

## test-fast: ruff and the unit tests only (no notebook runs, no browser), for the edit-test loop
test-fast: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -m "not e2e and not browser" -q -n 2 --dist loadgroup

# The browser test drives Debian's chromium: installed here when missing and we are root,
# otherwise make stops at once with the command to run.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "error: the browser test needs chromium; run: sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; }

## lab: open JupyterLab on notebooks/ with the crimefigures kernel
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(LAB_ARGS) $(LAB_OPTS)

# quantulum3, the parser's baseline, is installed only for the benchmark.
BENCH_STAMP := $(VENV)/.crimefigures-benchmark
$(BENCH_STAMP): $(STAMP) requirements-benchmark.txt
	$(PY) -m pip install --quiet -r requirements-benchmark.txt
	touch $(BENCH_STAMP)

## benchmark: measure parser, pipeline, figures and Monte Carlo speed into reports/benchmark.md
benchmark: $(BENCH_STAMP)
	$(PY) scripts/benchmark.py all

## clean: remove generated outputs (never data/raw or data/curated)
clean:
	rm -rf reports/notebooks reports/failed reports/site reports/.staging reports/.cache
	rm -rf reports/*/notebooks reports/*/failed
	rm -f reports/run_state.json reports/run_summary.json reports/*.png reports/.readme-current
	rm -rf data/processed/*/ figures/*/
