"""What the pipelines promise: pinned actions from the data file, least privilege, pull requests that never push
or sign, cosign sign/attest/verify by digest, scans that fail on HIGH/CRITICAL, and tool images from the data."""

from __future__ import annotations

import re

import pytest
import yaml

from generator.outputs import pins

from .supply_matrix import IDS, VARIANTS

GITHUB = [vid for vid, given in VARIANTS if vid.startswith("gh-")]
GITLAB = [vid for vid, given in VARIANTS if vid.startswith("gl-")]
WORKFLOW = ".github/workflows/container.yml"


def workflow(baked, vid):
    answers, out = baked[vid]
    text = (out / WORKFLOW).read_text()
    return answers, text, yaml.safe_load(text)


def steps(doc):
    return [(job, step) for job, body in doc["jobs"].items() for step in body["steps"]]


@pytest.mark.parametrize("vid", GITHUB)
def test_every_action_is_a_data_file_sha_with_its_version(baked, vid):
    _, text, doc = workflow(baked, vid)
    known = {a.name: a for a in pins.actions().values()}
    uses = [step["uses"] for _, step in steps(doc) if "uses" in step]
    assert uses
    for ref in uses:
        name, _, sha = ref.partition("@")
        assert re.fullmatch(r"[0-9a-f]{40}", sha), ref
        action = known[name if name in known else "/".join(name.split("/")[:2])]
        assert sha == action.sha, ref
        assert re.search(rf"uses: {re.escape(ref)} # {re.escape(action.version)}$", text, re.MULTILINE), ref


def test_the_data_file_pins_commits_not_tag_objects():
    """The two annotated-tag object SHAs the data warns about never appear as pins."""
    shas = {a.sha for a in pins.actions().values()}
    assert not any(sha.startswith(("a9c7b0f0", "1a818fd5")) for sha in shas)
    assert "ddb9da4475c1cef7d5389062bdfdfbdbd1394648" not in shas  # known-bad trivy-action commit


@pytest.mark.parametrize("vid", GITHUB)
def test_least_privilege_and_pull_requests_never_push_or_sign(baked, vid):
    answers, _, doc = workflow(baked, vid)
    assert doc["permissions"] == {}
    for name, job in doc["jobs"].items():
        assert job["permissions"].get("contents") == "read", name
        assert set(job["permissions"]) <= {"contents", "packages", "security-events", "id-token"}, name
    assert "id-token" not in doc["jobs"]["build"]["permissions"]
    for job in ("sign", "verify"):
        if job in doc["jobs"]:
            body = doc["jobs"][job]
            assert body.get("if") == "github.event_name != 'pull_request'" or "sign" in body.get("needs", []), job
    build = {s.get("name"): s for s in doc["jobs"]["build"]["steps"]}
    pr_build = build["Build for the scan (pull request: nothing is pushed)"]
    assert pr_build["if"] == "github.event_name == 'pull_request'" and pr_build["with"]["push"] is False
    push = build["Build and push with SBOM and provenance"]
    assert push["if"] == "github.event_name != 'pull_request'"
    assert push["with"]["sbom"] is True and push["with"]["provenance"] == "mode=max"
    assert build["Log in to the registry"]["if"] == "github.event_name != 'pull_request'"
    assert doc["env"]["IMAGE"] == answers["image_repository"]


@pytest.mark.parametrize("vid", GITHUB)
def test_scan_fails_on_fixable_high_and_critical_and_uploads_sarif(baked, vid):
    answers, _, doc = workflow(baked, vid)
    build = doc["jobs"]["build"]["steps"]
    scan = next(s for s in build if s.get("name", "").startswith("Scan with"))
    if answers["scanner"] == "trivy":
        assert scan["with"]["exit-code"] == "1" and scan["with"]["severity"] == "CRITICAL,HIGH"
        assert scan["with"]["ignore-unfixed"] is True
    else:
        assert scan["with"]["fail-build"] is True and scan["with"]["severity-cutoff"] == "high"
    assert "steps.build.outputs.digest" in next(iter(v for k, v in scan["with"].items() if k in ("image-ref", "image")))
    upload = build[-1]
    assert "upload-sarif" in upload["uses"] and upload["if"].startswith("always()")


@pytest.mark.parametrize("vid", [v for v in GITHUB if v.startswith(("gh-keyless", "gh-cosign", "gh-dockerhub"))])
def test_cosign_signs_attests_and_verifies_by_digest(baked, vid):
    answers, _, doc = workflow(baked, vid)
    runs = [s["run"] for _, s in steps(doc) if "run" in s]
    assert any(r.startswith("cosign sign --yes") and r.endswith('"$IMAGE@$DIGEST"') for r in runs)
    assert any("cosign attest" in r and "--predicate sbom.spdx.json" in r for r in runs)
    verify = next(r for r in runs if r.startswith("cosign verify "))
    if answers["signing"] == "cosign-keyless":
        assert "--certificate-identity" in verify and "--certificate-oidc-issuer" in verify
        assert doc["jobs"]["sign"]["permissions"]["id-token"] == "write"
    else:
        assert '--key "$COSIGN_PUBLIC_KEY"' in verify
        assert "id-token" not in doc["jobs"]["sign"]["permissions"]


@pytest.mark.parametrize("vid", ["gh-notation", "gh-gpg", "gh-dct-legacy", "gh-unsigned"])
def test_other_signers_document_the_checkov_exception_in_the_workflow(baked, vid):
    _, text, doc = workflow(baked, vid)
    assert re.search(r"^    # checkov:skip=CKV_GHA_5: \S.+$", text, re.MULTILINE)
    assert re.search(r"^    # checkov:skip=CKV_GHA_6: \S.+$", text, re.MULTILINE)
    assert ("sign" in doc["jobs"]) == (vid != "gh-unsigned")


@pytest.mark.parametrize("vid", GITLAB)
def test_gitlab_has_the_same_stages_without_privileged_docker(baked, vid):
    answers, out = baked[vid]
    text = (out / ".gitlab-ci.yml").read_text()
    doc = yaml.safe_load(text)
    assert doc["stages"] == ["lint", "build", "scan", "sign", "verify"]
    assert "docker:dind" not in text and "privileged" not in text and "DOCKER_HOST" not in text
    images = {pins.tool_image(n).ref for n in ("trivy", "grype", "syft", "cosign", "hadolint", "buildah")}
    for name, job in doc.items():
        if isinstance(job, dict) and "script" in job:
            image = job["image"]["name"] if isinstance(job["image"], dict) else job["image"]
            assert image in images, (name, image)
    assert "TAG ONLY" in text and "no verified digests" in text
    signed = answers["signing"] != "none"
    assert ("sign" in doc and "verify" in doc) == signed
    if signed:
        branch_only = [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"', "when": "never"},
                       {"when": "on_success"}]
        assert doc["sign"]["rules"] == branch_only and doc["verify"]["rules"] == branch_only
        assert ("id_tokens" in doc["sign"]) == (answers["signing"] == "cosign-keyless")
    scan = " ".join(doc["scan"]["script"])
    assert ("--severity CRITICAL,HIGH --ignore-unfixed" in scan) or ("--fail-on high --only-fixed" in scan)
