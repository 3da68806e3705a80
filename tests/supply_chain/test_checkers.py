"""The real checkers over the whole supply-chain matrix, each in one batched process: check-jsonschema
(GitHub workflow, GitLab CI, Renovate schemas), checkov github_actions (0 failed) and shellcheck."""

from __future__ import annotations

from pathlib import Path

import checkers


def _all(baked: dict, rel: str) -> list[Path]:
    return [out / rel for _, out in baked.values() if (out / rel).is_file()]


def test_github_workflows_match_the_schema(baked):
    files = _all(baked, ".github/workflows/container.yml")
    assert len(files) == 10
    assert checkers.check_jsonschema("vendor.github-workflows", files) == ""


def test_gitlab_pipelines_match_the_schema(baked):
    files = _all(baked, ".gitlab-ci.yml")
    assert len(files) == 4
    assert checkers.check_jsonschema("vendor.gitlab-ci", files) == ""


def test_renovate_configs_match_the_schema(baked):
    files = _all(baked, "renovate.json")
    assert len(files) == len(baked)
    assert checkers.check_jsonschema("vendor.renovate", files) == ""


def test_checkov_github_actions_finds_nothing(baked):
    """One checkov run over every baked workflow. CKV_GHA_5/6 pass by the cosign steps (test_pipelines checks
    those steps directly too), or are skipped in the file with the reason when the user chose another signer.

    A control copy with `permissions: write-all` rides in the same run and must fail exactly CKV2_GHA_1, which
    proves the batch was scanned and the checks are live."""
    root = next(iter(baked.values()))[1].parent
    control = root / "zz-control" / ".github" / "workflows" / "container.yml"
    control.parent.mkdir(parents=True, exist_ok=True)
    text = (baked["gh-keyless-trivy"][1] / ".github/workflows/container.yml").read_text()
    control.write_text(text.replace("\npermissions: {}\n", "\npermissions: write-all\n", 1))
    try:
        failed = checkers.checkov(root, "github_actions")
    finally:
        control.unlink()
    assert [(f["check"], "zz-control" in f["file"]) for f in failed] == [("CKV2_GHA_1", True)]


def test_scripts_pass_shellcheck(baked):
    files = [p for _, out in baked.values() for p in sorted((out / "signing").glob("*.sh"))]
    assert len(files) >= 2 * 12
    assert checkers.shellcheck(files) == ""
