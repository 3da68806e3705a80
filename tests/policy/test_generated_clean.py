"""The run configurations dockseal generates (compose, Kubernetes, every option value) audit clean."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "outputs"))

from runbake import MATRIX, bake  # noqa: E402

from generator.policy import audit_files, discover  # noqa: E402


@pytest.mark.parametrize("cid,answers", MATRIX, ids=[cid for cid, _ in MATRIX])
def test_run_configuration_audits_clean(tmp_path, cid, answers):
    bake(answers, tmp_path)
    kinds = {s.kind for s in discover([tmp_path])}
    if answers.get("kubernetes", True):
        assert "kubernetes" in kinds
    if answers.get("compose", True):
        assert "compose" in kinds
    assert [f"{f.path}:{f.line} {f.control} {f.message}" for f in audit_files([tmp_path])] == []
