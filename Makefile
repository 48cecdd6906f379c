# linear-studies: every target installs and builds what it needs first.
#   make reproduce   execute all notebooks at full scale in place, regenerate figures/ and README's table
#   make test        unit tests + every notebook at smoke scale into build/smoke (committed files untouched)
#   make kernel      register the project's tslab as a Jupyter kernel for this user
#   make bench       print the benchmark tables
#   make run NB=notebooks/x.ipynb [SCALE=smoke] [TIMEOUT=600]   execute one notebook in place
# FORCE=1 makes `make reproduce` re-run every notebook even when nothing changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help
NODE ?= node
TS_SOURCES := $(shell find lib test bench -name '*.ts' 2>/dev/null)
# tests live in test/core, test/topics/<topic>, test/studies/<slug> (and the runner's own package)
TEST_FILES := $(patsubst %.ts,dist/%.js,$(sort $(shell find test -name '*.test.ts' -not -path '*/fixtures/*')))
BENCH_FILES := $(patsubst %.ts,dist/%.js,$(sort $(wildcard bench/*.ts)))
INSTALLED := node_modules/.install-stamp
BUILT := dist/.build-stamp

.PHONY: help install build test reproduce kernel bench readme run clean

help:
	@sed -n '1,9p' Makefile | sed 's/^# \{0,1\}//'

# npm ci uses only the npm registry: package.json's overrides keep danfojs-node off its
# tfjs-node and CDN-hosted xlsx dependencies.
$(INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(INSTALLED)

$(BUILT): $(INSTALLED) tsconfig.json $(TS_SOURCES)
	@# drop compiled files whose source was deleted, so no stale module or test lingers
	@if [ -d dist ]; then find dist -name '*.js' | while read -r f; do s=$${f#dist/}; s=$${s%.js}.ts; [ -f "$$s" ] || rm -f "$$f" "$${f%.js}.d.ts" "$$f.map"; done; fi
	npx tsc -p tsconfig.json
	@chmod +x dist/lib/bin/*.js
	@touch $@

build: $(BUILT)

test: $(BUILT)
	$(NODE) --test --test-reporter=spec $(TEST_FILES)

reproduce: $(BUILT)
	$(NODE) dist/lib/bin/reproduce.js $(if $(FORCE),--force)
	$(NODE) dist/lib/bin/readme-status.js --write

readme: $(BUILT)
	$(NODE) dist/lib/bin/readme-status.js --write

run: $(BUILT)
	@test -n "$(NB)" || { echo "usage: make run NB=notebooks/<name>.ipynb [SCALE=smoke|full] [TIMEOUT=seconds]"; exit 2; }
	npx --no-install run-notebook "$(NB)" --inplace --scale $(or $(SCALE),full) $(if $(TIMEOUT),--timeout $(TIMEOUT))

kernel: $(BUILT)
	$(NODE) dist/lib/bin/install-kernel.js

bench: $(BUILT)
	@for f in $(BENCH_FILES); do $(NODE) "$$f" || exit 1; done

clean:
	rm -rf dist build
