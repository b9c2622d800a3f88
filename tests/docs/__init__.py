# A package, so that this directory's conftest.py does not replace the
# repository-wide tests/conftest.py as the module `conftest`, which the
# other tests import with `from conftest import ...`.
