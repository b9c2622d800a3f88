# Public verbs of the project; the work lives in tools/.
PYTEST := .venv/test/bin/pytest

# The stack's namespaces (tools/stack/in-namespace.sh): the tests and the
# benchmark run isolated (their own loopback and PIDs); the demo on the
# machine's loopback, so that its services can be reached from a shell.
IN_ISOLATED_NAMESPACE := tools/stack/in-namespace.sh --isolated
IN_STACK_NAMESPACE := tools/stack/in-namespace.sh
DEMO_DIR := .cache/demo
# The RPM the system tests install, built before entering the isolated
# namespace (no network there for pre_build_hook's downloads).
SYSTEM_TEST_RPM_DIR := $(CURDIR)/.cache/system-test-rpm

.PHONY: build-deps deps build docs check test system-test bench demo demo-stop fresh-check clean

build-deps:
	tools/install-deps.sh build

deps:
	tools/install-deps.sh test

build: build-deps
	tools/build.sh

docs: deps
	tools/build-docs.sh

# Every test that needs no service stack: package, settings, regexes,
# Puppet, client libraries, docs, workbook parsers.
check: deps
	$(PYTEST) tests --ignore=tests/system --ignore=tests/lifecycle

test: check system-test

# The stack's life cycle (from the machine's side: ports, interrupts), then
# the system tests on the stack, isolated.
system-test: deps
	$(PYTEST) tests/lifecycle
	rm -rf $(SYSTEM_TEST_RPM_DIR)
	OUTPUT_DIR=$(SYSTEM_TEST_RPM_DIR) tools/build.sh
	CINDER_GCS_RPM=$$(echo $(SYSTEM_TEST_RPM_DIR)/*.rpm) $(IN_ISOLATED_NAMESPACE) $(PYTEST) tests/system

# Not part of `make test`: about 80 min with the defaults (both engines). BENCH_ARGS, e.g.
# --volumes 10 --records 500 (tests/bench/workbook_bench.py --help).
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
