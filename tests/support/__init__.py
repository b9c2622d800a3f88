"""Support code shared by the test suites (found through pytest.ini's pythonpath)."""
