"""The supply-chain matrix, baked once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from .supply_matrix import bake_all


@pytest.fixture(scope="session")
def baked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict, Path]]:
    return bake_all(tmp_path_factory.mktemp("supply-chain"))
