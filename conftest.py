"""Loads the grading plugin for every test in the repository (see grading/core/plugin.py)."""

import pytest

pytest.register_assert_rewrite("grading")
pytest_plugins = ["grading.core.plugin"]
