# Public verbs of the project; the work lives in tools/.
PYTEST := .venv/test/bin/pytest

.PHONY: deps build docs test clean

deps:
	tools/install-deps.sh

build: deps
	tools/build.sh

docs: deps
	tools/build-docs.sh

test: deps
	$(PYTEST) tests

clean:
	rm -rf .build .cache *.rpm
