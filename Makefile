# linear-studies: every target installs and builds what it needs first.
#   make reproduce   execute all notebooks at full scale in place, regenerate figures/ and README's table
#   make test        unit tests + every notebook at smoke scale into build/smoke (committed files untouched)
#   make kernel      register the project's tslab as a Jupyter kernel for this user
#   make bench [BENCH=<slug>]   the benchmark tables: project vs PyTorch / scikit-learn (bench/)
#   make run NB=notebooks/x.ipynb [SCALE=smoke] [TIMEOUT=s] [STALL=s]   execute one notebook (in place at
#                    full scale; at another scale into build/<scale>/notebooks/, figures into build/<scale>/)
#   make e2e [E2E_NB=one-step-gd]   real browser: Jupyter Notebook + headless Chromium, Restart & Run All
#   make e2e-lab [E2E_NB=one-step-gd]   the same in JupyterLab 4 (front end bundled from npm in e2e/jupyterlab)
#   make lint        formatter and linter (Biome) check; `make format` rewrites the files
#   make grid STUDY=<slug> GRID=<name> [EXECUTOR=bullmq REDIS_URL=redis://host:port] [WORKERS=n]
#                    run or resume a job grid (grid-plan: costs first; grid-prune: drop stale results)
#   make worker REDIS_URL=redis://host:port [WORKERS=n]   a grid worker for BullMQ grids, on any machine
# FORCE=1 makes `make reproduce` re-run every notebook even when nothing changed.
# JOBS=n sets how many notebooks `make reproduce` runs at once (default: one per core; same results).

SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE ?= node
RUNNER := packages/notebook-runner
TS_SOURCES := $(shell find lib test bench e2e $(RUNNER)/src $(RUNNER)/test -name '*.ts' -not -path '*/fixtures/*' -not -path '*/node_modules/*' 2>/dev/null)
# tests live in test/core, test/topics/<topic>, test/studies/<slug>, test/cli, and the runner package's test/
TEST_FILES := $(patsubst %.ts,dist/%.js,$(sort $(shell find test -name '*.test.ts' -not -path '*/fixtures/*'))) \
  $(patsubst $(RUNNER)/%.ts,$(RUNNER)/dist/%.js,$(sort $(shell find $(RUNNER)/test -name '*.test.ts' -not -path '*/fixtures/*')))
# one bench file per study (bench/<slug>.ts) plus harness.ts, the shared module; BENCH=<slug> runs one
BENCH_FILES := $(patsubst %.ts,dist/%.js,$(sort $(filter-out bench/harness.ts,$(if $(BENCH),bench/$(BENCH).ts,$(wildcard bench/*.ts)))))
INSTALLED := node_modules/.install-stamp
BUILT := dist/.build-stamp

.PHONY: help install build test reproduce kernel bench readme run e2e e2e-lab lint format clean grid grid-plan grid-prune grid-check worker

help:
	@sed -n '1,16p' Makefile | sed 's/^# \{0,1\}//'

# npm ci uses only the npm registry: package.json's overrides keep danfojs-node off its
# tfjs-node and CDN-hosted xlsx dependencies.
$(INSTALLED): package.json package-lock.json
	@# npm ci empties node_modules first: through a link it would empty another checkout's and kill its kernels
	@if [ -L node_modules ]; then echo "node_modules is a symbolic link (shared with another checkout); npm ci here would empty that checkout's node_modules. Run make install in the checkout it points to, or replace the link with a directory." >&2; exit 1; fi
	npm ci --no-audit --no-fund
	@touch $@

install: $(INSTALLED)

$(BUILT): $(INSTALLED) tsconfig.json $(TS_SOURCES)
	@# drop compiled files whose source was deleted, so no stale module or test lingers
	@if [ -d dist ]; then find dist -name '*.js' | while read -r f; do s=$${f#dist/}; s=$${s%.js}.ts; [ -f "$$s" ] || rm -f "$$f" "$${f%.js}.d.ts" "$$f.map"; done; fi
	@if [ -d $(RUNNER)/dist ]; then find $(RUNNER)/dist -name '*.js' | while read -r f; do s=$(RUNNER)/$${f#$(RUNNER)/dist/}; s=$${s%.js}.ts; [ -f "$$s" ] || rm -f "$$f" "$${f%.js}.d.ts" "$$f.map"; done; fi
	@# the runner package first: the project's commands import it by name (node_modules/@linear-studies)
	npx tsc -p $(RUNNER)/tsconfig.json
	npx tsc -p tsconfig.json
	@chmod +x dist/lib/cli/*.js $(RUNNER)/dist/src/cli.js $(RUNNER)/dist/src/kernel-shim.js
	@touch $@

build: $(BUILT)

test: $(BUILT)
	$(NODE) --test --test-reporter=spec $(TEST_FILES)

reproduce: $(BUILT)
	$(NODE) dist/lib/cli/reproduce.js $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(STALL),--stall-timeout $(STALL))
	$(NODE) dist/lib/cli/readme.js --write

readme: $(BUILT)
	$(NODE) dist/lib/cli/readme.js --write

# Full scale runs in place (the committed notebook and figures/); any other scale writes the
# executed copy to build/<scale>/notebooks/ and its figures to build/<scale>/, never figures/.
run: $(BUILT)
	@test -n "$(NB)" || { echo "usage: make run NB=notebooks/<name>.ipynb [SCALE=smoke|full] [TIMEOUT=seconds] [STALL=seconds]"; exit 2; }
	$(NODE) dist/lib/cli/run-notebook.js "$(NB)" --scale $(or $(SCALE),full) \
	  $(if $(filter-out full,$(or $(SCALE),full)),--output build/$(SCALE)/notebooks/$(notdir $(NB)),--inplace) \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(STALL),--stall-timeout $(STALL))

kernel: $(BUILT)
	$(NODE) dist/lib/cli/install-kernel.js

# Real browser: Debian's jupyter-notebook + chromium (see README); E2E_NB=<slug> limits it to one notebook.
e2e: $(BUILT)
	$(NODE) dist/e2e/run.js $(E2E_NB)

# JupyterLab: its own npm package in e2e/jupyterlab (not a workspace of the root; installed only
# here), bundled with rspack as JupyterLab's examples/app is, served by Debian's jupyterlab_server.
LAB := e2e/jupyterlab
LAB_INSTALLED := $(LAB)/node_modules/.install-stamp
LAB_BUILT := $(LAB)/build/.build-stamp
$(LAB_INSTALLED): $(LAB)/package.json $(LAB)/package-lock.json
	@if [ -L $(LAB)/node_modules ]; then echo "$(LAB)/node_modules is a symbolic link; npm ci would empty its target. Replace it with a directory." >&2; exit 1; fi
	cd $(LAB) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

$(LAB_BUILT): $(LAB_INSTALLED) $(LAB)/index.js $(LAB)/rspack.config.js
	rm -rf $(LAB)/build
	cd $(LAB) && npx --no-install rspack build
	@touch $@

e2e-lab: $(BUILT) $(LAB_BUILT)
	$(NODE) dist/e2e/lab.js $(E2E_NB)

# Biome (one npm package: formatter + linter); configuration in biome.json
lint: $(INSTALLED)
	npx --no-install biome ci .

format: $(INSTALLED)
	npx --no-install biome check --write .

bench: $(BUILT)
	@$(if $(BENCH),test -f bench/$(BENCH).ts || { echo "make bench BENCH=<slug>: no bench/$(BENCH).ts (have: $(basename $(notdir $(filter-out bench/harness.ts,$(wildcard bench/*.ts)))))"; exit 2; })
	@uptime
	@for f in $(BENCH_FILES); do $(NODE) "$$f" || exit 1; done

# grids (lib/core/grid): STUDY=<slug> names lib/studies/<slug>/grids.ts, MODULE=<path> any grid module
GRID_USAGE := usage: make grid|grid-plan|grid-prune STUDY=<slug> GRID=<name> [SCALE=full|smoke] [EXECUTOR=local|bullmq] [REDIS_URL=redis://host:port] [WORKERS=n] [ONLY="<group>,..."]
GRID_ARGS = $(if $(STUDY),--study $(STUDY)) $(if $(MODULE),--module $(MODULE)) --grid $(GRID) $(if $(SCALE),--scale $(SCALE))
grid-check:
	@test -n "$(GRID)" -a -n "$(STUDY)$(MODULE)" || { echo '$(GRID_USAGE)'; exit 2; }

grid: grid-check $(BUILT)
	$(NODE) dist/lib/cli/grid.js run $(GRID_ARGS) $(if $(EXECUTOR),--executor $(EXECUTOR)) $(if $(REDIS_URL),--redis $(REDIS_URL)) $(if $(WORKERS),--workers $(WORKERS)) $(if $(ONLY),--only "$(ONLY)")

grid-plan: grid-check $(BUILT)
	@$(NODE) dist/lib/cli/grid.js plan $(GRID_ARGS) $(if $(WORKERS),--workers $(WORKERS))

grid-prune: grid-check $(BUILT)
	$(NODE) dist/lib/cli/grid.js prune $(GRID_ARGS)

worker: $(BUILT)
	@test -n "$(REDIS_URL)" || { echo "usage: make worker REDIS_URL=redis://host:port [WORKERS=n]"; exit 2; }
	$(NODE) dist/lib/cli/worker.js --redis $(REDIS_URL) $(if $(WORKERS),--concurrency $(WORKERS))

clean:
	rm -rf dist build $(RUNNER)/dist
