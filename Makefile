# Public verbs of the project; the work lives in tools/.
PYTEST := .venv/test/bin/pytest

.PHONY: deps build test clean

deps:
	tools/install-deps.sh

build: deps
	tools/build.sh

test: deps
	$(PYTEST) tests

clean:
	rm -rf .build .cache *.rpm
