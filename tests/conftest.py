"""Shared fixtures: external tools are required in CI (fail) and optional elsewhere (skip)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def need(tool: str) -> str:
    """The path of an external tool; a missing tool fails the test under CI and skips it elsewhere."""
    path = shutil.which(tool)
    if path:
        return path
    message = f"{tool} is not installed (bash tests/run.sh installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable


@pytest.fixture
def root() -> Path:
    return ROOT
