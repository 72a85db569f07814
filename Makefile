# milo-nomade: set-up and checks. `make demo` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell sha1sum pyproject.toml | cut -c1-12)
RUN_STAMP := $(VENV)/.run-$(HASH)
DEV_STAMP := $(VENV)/.dev-$(HASH)

.PHONY: install install-dev demo test test-durations lint demo-data region-pack clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	rm -f $(VENV)/.run-*; touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	rm -f $(VENV)/.dev-* $(VENV)/.run-*; touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

install-dev: $(DEV_STAMP)

## Run the main job on the embedded demo territories (offline, no download) into out/demo/,
## then the regional comparison and report from the region pack installed with the package
## (or from the official files when found: MILO_DATA_DIR, or ../shared/geo_data beside the clone).
demo: $(RUN_STAMP) assets
	MILO_DATA_DIR=$${MILO_DATA_DIR:-$$(test -d ../shared/geo_data && echo ../shared/geo_data)} \
	$(BIN)/milo demo --out out/demo

# pytest-xdist workers: one per core plus one (the browser, server and worker tests wait on
# their subprocesses); each test file stays on one worker (its module fixtures are built once),
# and the files go out longest first (tests/durations.py), so that the workers end together.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
PYTEST_PARALLEL = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

## Install what the tests need (idempotent: python packages, Debian chromium, npm map assets)
## and run the suite.
test: $(DEV_STAMP)
	bash .ci/install-browser.sh
	MILO_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_PARALLEL) --durations=30

## Run the suite and write each test file's duration to tests/durations.json (commit it): the
## order in which `make test` hands the files out.
test-durations: $(DEV_STAMP)
	bash .ci/install-browser.sh
	MILO_OFFLINE=1 MILO_TEST_DURATIONS=1 $(BIN)/python -m pytest $(PYTEST_PARALLEL)

lint: $(DEV_STAMP)
	$(BIN)/ruff check planner geo_data api maps tests benchmarks
	$(BIN)/ruff format --check planner geo_data api maps tests benchmarks
	$(BIN)/mypy

## Rebuild the embedded demo from the official files (MILO_DATA_DIR or downloads).
demo-data: $(RUN_STAMP)
	MILO_DATA_DIR=$${MILO_DATA_DIR:-../shared/geo_data} $(BIN)/python -m geo_data.build_demo

## Rebuild the region pack (geo_data/region_pack/) from the official files only.
region-pack: $(RUN_STAMP)
	MILO_DATA_DIR=$${MILO_DATA_DIR:-../shared/geo_data} $(BIN)/python -m geo_data.build_region_pack

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache

.PHONY: assets
## Pinned Leaflet, jQuery and plugins from npm (package-lock.json) into the git-ignored maps/vendor/.
assets:
	bash .ci/install-browser.sh --assets-only
