"""The GitHub Actions workflow: lint, build (SBOM + max provenance), scan by digest, sign, attest, verify.

Built as data and serialised; every action comes pinned by commit SHA from data/actions.yml. Pull requests
build and scan a local image but never log in, push or sign. Top-level `permissions: {}`, each job asks only
for what it uses (CONTROLS: workflow hardening, sign and attest).
"""

from __future__ import annotations

from typing import Any

from ..answers import Answers
from . import pins, signing
from .common import dump
from .supply_questions import WORKFLOW_FILE

RUNNER = "ubuntu-24.04"
PUSHING = "github.event_name != 'pull_request'"
PULL_REQUEST = "github.event_name == 'pull_request'"
DIGEST = "${{ needs.build.outputs.digest }}"
SBOM = "sbom.spdx.json"


def files(a: Answers) -> dict[str, str]:
    if a["ci"] != "github":
        return {}
    return {WORKFLOW_FILE: render(a)}


def render(a: Answers) -> str:
    text = pins.comment_pins(dump(_header(a), workflow(a)))
    skips = signing.checkov_skips(a)
    if skips:  # checkov reads skip comments inside the job they apply to
        lines = "".join(f"    # checkov:skip={check}: {reason}\n" for check, reason in skips)
        text = text.replace("\n  build:\n", "\n  build:\n" + lines, 1)
    return text


def _header(a: Answers) -> str:
    return (f"Written by dockseal. Pull requests build and scan; pushes to {a['release_branch']} also push the\n"
            f"image, sign it ({a['signing']}) and verify the signature. Actions are pinned by commit SHA;\n"
            "Renovate (renovate.json) keeps the pins fresh. " + signing.summary(a))


def workflow(a: Answers) -> dict[str, Any]:
    jobs: dict[str, Any] = {"lint": _lint(), "build": _build(a)}
    jobs.update(signing.github_jobs(a))
    branch = a["release_branch"]
    return {
        "name": "container",
        "on": {"push": {"branches": [branch]}, "pull_request": {"branches": [branch]}},
        "permissions": {},
        "concurrency": {"group": "container-${{ github.ref }}", "cancel-in-progress": True},
        "env": {"IMAGE": a["image_repository"]},
        "jobs": jobs,
    }


def checkout() -> dict[str, Any]:
    return {"name": "Check out", "uses": pins.action("actions/checkout").uses(),
            "with": {"persist-credentials": False}}


def login(a: Answers) -> dict[str, Any]:
    """GHCR takes the job's own token; any other registry takes REGISTRY_USERNAME/REGISTRY_PASSWORD secrets."""
    registry = registry_host(a)
    if registry == "ghcr.io":
        user, password = "${{ github.actor }}", "${{ secrets.GITHUB_TOKEN }}"
    else:
        user, password = "${{ secrets.REGISTRY_USERNAME }}", "${{ secrets.REGISTRY_PASSWORD }}"
    return {"name": "Log in to the registry", "uses": pins.action("docker/login-action").uses(),
            "with": {"registry": registry, "username": user, "password": password}}


def registry_host(a: Answers) -> str:
    first = a["image_repository"].split("/")[0]
    return first if ("." in first or ":" in first or first == "localhost") else "docker.io"


def _lint() -> dict[str, Any]:
    return {
        "name": "Lint the Dockerfile",
        "runs-on": RUNNER,
        "permissions": {"contents": "read"},
        "steps": [checkout(), {"name": "hadolint", "uses": pins.action("hadolint/hadolint-action").uses(),
                               "with": {"dockerfile": "Dockerfile", "failure-threshold": "info"}}],
    }


def _build(a: Answers) -> dict[str, Any]:
    permissions = {"contents": "read", "security-events": "write"}
    if registry_host(a) == "ghcr.io":
        permissions["packages"] = "write"
    common = {"context": ".", "file": "Dockerfile", "cache-from": "type=gha"}
    return {
        "name": "Build, scan and push",
        "needs": "lint",
        "runs-on": RUNNER,
        "permissions": permissions,
        "outputs": {"digest": "${{ steps.build.outputs.digest }}"},
        "steps": [
            checkout(),
            {"name": "Set up Buildx", "uses": pins.action("docker/setup-buildx-action").uses()},
            {**login(a), "if": PUSHING},
            {"name": "Image tags and labels", "id": "meta", "uses": pins.action("docker/metadata-action").uses(),
             "with": {"images": "${{ env.IMAGE }}", "tags": "type=sha,format=long"}},
            {"name": "Build for the scan (pull request: nothing is pushed)", "if": PULL_REQUEST,
             "uses": pins.action("docker/build-push-action").uses(),
             "with": {**common, "load": True, "push": False, "tags": "${{ env.IMAGE }}:ci-scan"}},
            {"name": "Build and push with SBOM and provenance", "id": "build", "if": PUSHING,
             "uses": pins.action("docker/build-push-action").uses(),
             "with": {**common, "push": True, "sbom": True, "provenance": "mode=max",
                      "cache-to": "type=gha,mode=max", "tags": "${{ steps.meta.outputs.tags }}",
                      "labels": "${{ steps.meta.outputs.labels }}"}},
            *_scan(a),
        ],
    }


def _scan(a: Answers) -> list[dict[str, Any]]:
    """Scan by digest (the local image on pull requests); fail on fixable HIGH/CRITICAL; upload SARIF always."""
    image = ("${{ github.event_name == 'pull_request' && format('{0}:ci-scan', env.IMAGE) "
             "|| format('{0}@{1}', env.IMAGE, steps.build.outputs.digest) }}")
    if a["scanner"] == "trivy":
        scan = {"name": "Scan with Trivy", "uses": pins.action("aquasecurity/trivy-action").uses(),
                "with": {"image-ref": image, "format": "sarif", "output": "scan.sarif", "exit-code": "1",
                         "severity": "CRITICAL,HIGH", "ignore-unfixed": True}}
        sarif = "scan.sarif"
    else:
        scan = {"name": "Scan with Grype", "id": "scan", "uses": pins.action("anchore/scan-action").uses(),
                "with": {"image": image, "fail-build": True, "severity-cutoff": "high", "only-fixed": True,
                         "output-format": "sarif", "output-file": "scan.sarif"}}
        sarif = "scan.sarif"
    upload = {"name": "Upload the scan to code scanning", "if": "always() && hashFiles('scan.sarif') != ''",
              "uses": pins.action("github/codeql-action").uses("/upload-sarif"),
              "with": {"sarif_file": sarif, "category": a["scanner"]}}
    return [scan, upload]
