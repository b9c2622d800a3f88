# Public verbs of the project; the work lives in tools/.
PYTEST := .venv/test/bin/pytest

# The system tests' stack needs a private mount namespace (see tools/stack/).
IN_STACK_NAMESPACE := tools/stack/in-namespace.sh
DEMO_DIR := .cache/demo

.PHONY: deps build docs test system-test bench demo demo-stop fresh-check clean

deps:
	tools/install-deps.sh

build: deps
	tools/build.sh

docs: deps
	tools/build-docs.sh

test: deps
	$(IN_STACK_NAMESPACE) $(PYTEST) tests

system-test: deps
	$(IN_STACK_NAMESPACE) $(PYTEST) tests/system

# Not part of `make test`: about 40 min with the defaults. BENCH_ARGS, e.g.
# --volumes 10 --records 500 (tests/bench/workbook_bench.py --help).
bench: deps
	$(IN_STACK_NAMESPACE) .venv/test/bin/python tests/bench/workbook_bench.py $(BENCH_ARGS)

demo: deps
	$(IN_STACK_NAMESPACE) .venv/test/bin/python tools/stack/stack.py start $(DEMO_DIR)

demo-stop:
	.venv/test/bin/python tools/stack/stack.py stop $(DEMO_DIR)

# `make test` on a Debian 12 debootstrapped on the spot (as root): proves the
# project's own files install everything it needs.
fresh-check:
	tools/fresh-debian-check.sh

clean:
	rm -rf .build .cache *.rpm
