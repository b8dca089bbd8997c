"""Markers for the validator tests."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "precommit: runs the real pre-commit framework (builds a venv from PyPI)"
    )
