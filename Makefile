# Public verbs of the project; the work lives in tools/.
PYTEST := .venv/test/bin/pytest
# make test runs close to its 55-minute budget: every run lists where the
# time went, for whoever has to cut it next.
SLOWEST := --durations=25

# The stack's namespaces (tools/stack/in-namespace.sh): the tests and the
# benchmark run isolated (their own loopback and PIDs); the demo on the
# machine's loopback, so that its services can be reached from a shell.
IN_ISOLATED_NAMESPACE := tools/stack/in-namespace.sh --isolated
IN_STACK_NAMESPACE := tools/stack/in-namespace.sh
DEMO_DIR := .cache/demo
# The RPM the Fuel master and system tests install, built before entering
# the isolated namespace (no network there for pre_build_hook's downloads).
TEST_RPM_DIR := $(CURDIR)/.cache/test-rpm
TEST_RPM = $$(echo $(TEST_RPM_DIR)/*.rpm)

.PHONY: build-deps deps build docs check test test-rpm fuel-master-test system-test bench field-sizes \
	spec-cost demo \
	demo-stop fresh-check clean

build-deps:
	tools/install-deps.sh build

deps:
	tools/install-deps.sh test

build: build-deps
	tools/build.sh

docs: deps
	tools/build-docs.sh

# Every test that needs no service stack: package, settings, regexes,
# Puppet, client libraries, docs, workbook parsers; one worker per core
# (each builds its own RPM and sandboxes: they share nothing).
check: deps
	$(PYTEST) $(SLOWEST) --numprocesses auto tests --ignore=tests/system --ignore=tests/lifecycle --ignore=tests/fuel_master

test: check fuel-master-test system-test

test-rpm: deps
	rm -rf $(TEST_RPM_DIR)
	OUTPUT_DIR=$(TEST_RPM_DIR) tools/build.sh

# Fuel 9.0, 9.1, 9.2 and mitaka-eol's own Nailgun and CLI take the plugin
# (tools/stack/fuel9.py), isolated.
fuel-master-test: test-rpm
	CINDER_GCS_RPM=$(TEST_RPM) $(IN_ISOLATED_NAMESPACE) $(PYTEST) $(SLOWEST) tests/fuel_master

# The stack's life cycle (from the machine's side: ports, interrupts), then
# the system tests on the stack, isolated.
system-test: test-rpm
	$(PYTEST) $(SLOWEST) tests/lifecycle
	CINDER_GCS_RPM=$(TEST_RPM) $(IN_ISOLATED_NAMESPACE) $(PYTEST) $(SLOWEST) tests/system

# Not part of `make test`: about 80 min with the defaults (both engines). BENCH_ARGS, e.g.
# --volumes 10 --records 500 (tests/bench/workbook_bench.py --help).
# The record of a failing backup run's field sizes (tests/workbook/field_sizes.json),
# up to 10,000 volumes: about two minutes.
field-sizes: deps
	.venv/test/bin/python tests/workbook/field_sizes.py

# What Mistral 2.0.0's engine spends parsing each workflow again, at every
# step (seconds; no stack): tests/bench/spec_parse_cost.py.
spec-cost: deps
	.venv/mitaka-mistral/bin/python tests/bench/spec_parse_cost.py

bench: deps
	$(IN_ISOLATED_NAMESPACE) .venv/test/bin/python tests/bench/workbook_bench.py $(BENCH_ARGS)

# ENGINE=mitaka: Mistral 2.0.0 and Mitaka's CLI, as on a Fuel 9 controller.
ENGINE ?= zed
demo: deps
	$(IN_STACK_NAMESPACE) .venv/test/bin/python tools/stack/demo.py start $(DEMO_DIR) $(ENGINE)

demo-stop:
	.venv/test/bin/python tools/stack/demo.py stop $(DEMO_DIR)

# `make test` on a Debian 12 debootstrapped on the spot (as root), from a
# clone under its /root: proves the project's own files install everything
# it needs. FRESH_COMMAND='make build' checks the build alone.
fresh-check:
	tools/fresh-debian-check.sh "$(FRESH_COMMAND)"

clean:
	rm -rf .build .cache *.rpm
