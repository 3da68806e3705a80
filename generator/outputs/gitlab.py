"""The GitLab CI pipeline: the same stages as the GitHub workflow, without privileged docker-in-docker.

Builds run rootless-capable buildah (vfs storage, chroot isolation). Tool images that have no shell (cosign,
grype) lend their static binary to a buildah job instead. Merge requests build and scan the saved archive;
pushes to the release branch also push, scan by digest, sign and verify. Tool images come from
data/actions.yml by tag only (no verified digests exist there); Renovate pins their digests.
"""

from __future__ import annotations

from typing import Any

from ..answers import Answers
from . import pins, signing
from .common import dump

MR = '$CI_PIPELINE_SOURCE == "merge_request_event"'
TOOL_PATHS = {"cosign": "/ko-app/cosign", "grype": "/grype"}
BUILDAH_VARS = {"STORAGE_DRIVER": "vfs", "BUILDAH_ISOLATION": "chroot", "BUILDAH_FORMAT": "docker"}
SIGNING_MODES = ("cosign-keyless", "cosign-key", "none")


def files(a: Answers) -> dict[str, str]:
    if a["ci"] != "gitlab":
        return {}
    return {".gitlab-ci.yml": dump(_header(a), pipeline(a))}


def _header(a: Answers) -> str:
    unverified = [t.ref for t in map(pins.tool_image, ("buildah", "trivy", "grype", "cosign", "hadolint"))
                  if not t.tag_verified]
    return ("Written by dockseal. Merge requests build and scan; pushes to "
            f"{a['release_branch']} also push, scan by digest, sign and verify.\n"
            "Tool images are pinned by TAG ONLY: dockseal's data has no verified digests for them, so none is\n"
            "invented here; Renovate (renovate.json, pinDigests) adds them. Unverified moving tags: "
            + (", ".join(unverified) or "none") + ".\n" + signing.summary(a))


def _login() -> str:
    """buildah writes the Docker-format auth file that cosign and trivy read as well."""
    return ('mkdir -p "$HOME/.docker" && printf \'%s\' "$REGISTRY_PASSWORD" | buildah login --authfile '
            '"$HOME/.docker/config.json" --username "$REGISTRY_USER" --password-stdin "$REGISTRY"')


def _registry_vars(a: Answers) -> dict[str, str]:
    from .github import registry_host

    if registry_host(a) == "registry.gitlab.com":
        return {"REGISTRY": "$CI_REGISTRY", "REGISTRY_USER": "$CI_REGISTRY_USER",
                "REGISTRY_PASSWORD": "$CI_REGISTRY_PASSWORD"}
    return {"REGISTRY": registry_host(a)}  # REGISTRY_USER / REGISTRY_PASSWORD: masked CI/CD variables


def _tool(name: str) -> list[str]:
    """Copy a shell-less tool image's static binary into this buildah job."""
    image = pins.tool_image(name).ref
    return [f'ctr=$(buildah from --quiet "{image}")',
            f'cp "$(buildah mount "$ctr"){TOOL_PATHS[name]}" /usr/local/bin/{name}']


def _buildah_job(stage: str, script: list[str], **extra: Any) -> dict[str, Any]:
    return {"stage": stage, "image": pins.tool_image("buildah").ref, "variables": dict(BUILDAH_VARS),
            "script": script, **extra}


def pipeline(a: Answers) -> dict[str, Any]:
    branch_only = {"rules": [{"if": MR, "when": "never"}, {"when": "on_success"}]}
    doc: dict[str, Any] = {
        "stages": ["lint", "build", "scan", "sign", "verify"],
        "workflow": {"rules": [{"if": MR}, {"if": f'$CI_COMMIT_BRANCH == "{a["release_branch"]}"'}]},
        "variables": {"IMAGE": a["image_repository"], **_registry_vars(a)},
        "hadolint": {"stage": "lint", "image": {"name": pins.tool_image("hadolint").ref, "entrypoint": [""]},
                     "script": ["hadolint --failure-threshold info Dockerfile"]},
        "build": _buildah_job("build", [
            'buildah build --format docker --tag "$IMAGE:$CI_COMMIT_SHA" .',
            'buildah push "$IMAGE:$CI_COMMIT_SHA" "oci-archive:image.tar"',
            f'if [ "$CI_PIPELINE_SOURCE" != "merge_request_event" ]; then {_login()}; '
            'buildah push --authfile "$HOME/.docker/config.json" --digestfile image.digest '
            '"$IMAGE:$CI_COMMIT_SHA" "docker://$IMAGE:$CI_COMMIT_SHA"; fi',
        ], artifacts={"paths": ["image.tar", "image.digest"], "expire_in": "1 day"}),
        "scan": _scan(a),
    }
    if a["signing"] in ("cosign-keyless", "cosign-key"):
        doc["sbom"] = _sbom(branch_only)
        doc["sign"] = _cosign_job(a, "sign", 'bash signing/sign.sh "$(cat image.digest)" sbom.spdx.json',
                                  branch_only)
        doc["verify"] = _cosign_job(a, "verify", 'bash signing/verify.sh "$(cat image.digest)"', branch_only)
    return doc


def _scan(a: Answers) -> dict[str, Any]:
    """Fail on fixable HIGH/CRITICAL: the archive on merge requests, the pushed digest on the release branch."""
    if a["scanner"] == "trivy":
        job = _trivy_job([
            'if [ -s image.digest ]; then set -- "$IMAGE@$(cat image.digest)"; else set -- --input image.tar; fi',
            'trivy image --exit-code 1 --severity CRITICAL,HIGH --ignore-unfixed --format json --output scan.json '
            '"$@"'])
    else:
        job = _buildah_job("scan", [
            *_tool("grype"),
            f'if [ -s image.digest ]; then {_login()}; set -- "registry:$IMAGE@$(cat image.digest)"; '
            'else set -- oci-archive:image.tar; fi',
            'grype --fail-on high --only-fixed --output json --file scan.json "$@"'])
    job["needs"] = ["build"]
    job["artifacts"] = {"when": "always", "paths": ["scan.json"], "expire_in": "30 days"}
    return job


def _trivy_job(script: list[str]) -> dict[str, Any]:
    return {"stage": "scan", "image": {"name": pins.tool_image("trivy").ref, "entrypoint": [""]},
            "variables": {"TRIVY_USERNAME": "$REGISTRY_USER", "TRIVY_PASSWORD": "$REGISTRY_PASSWORD"},
            "script": script}


def _sbom(rules: dict[str, Any]) -> dict[str, Any]:
    job = _trivy_job(['trivy image --format spdx-json --output sbom.spdx.json "$IMAGE@$(cat image.digest)"'])
    job.update(needs=["build"], artifacts={"paths": ["sbom.spdx.json"], "expire_in": "1 day"}, **rules)
    return job


def _cosign_job(a: Answers, stage: str, command: str, rules: dict[str, Any]) -> dict[str, Any]:
    needs = ["build", "sbom"] if stage == "sign" else ["build", "sign"]
    job = _buildah_job(stage, [*_tool("cosign"), _login(), command], needs=needs, **rules)
    if a["signing"] == "cosign-keyless" and stage == "sign":
        job["id_tokens"] = {"SIGSTORE_ID_TOKEN": {"aud": "sigstore"}}
    return job
