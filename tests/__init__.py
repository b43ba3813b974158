"""The test suite: one folder per package of campaign/ (intake, snapshot, answers, app, outputs, ops, generate).

A package, so that test modules are imported by their full name (tests.intake.test_ingest) and helpers come
from tests.support; a test module never imports another test module (tests/test_import_rules.py checks).
"""

import pytest

# the helpers' own asserts (a slide fits the screen, a board reads in order) explain a failure as a test's do
pytest.register_assert_rewrite("tests.support")
