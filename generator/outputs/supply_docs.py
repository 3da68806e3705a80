"""SUPPLY-CHAIN.md: what the pipeline does, how the image is signed and verified, and the documented exceptions.

Values shown here all passed strict patterns (image repository, identities, paths), so they are safe in Markdown
code spans.
"""

from __future__ import annotations

from ..answers import Answers
from . import signing

_VERIFY = {
    "cosign-keyless": "bash signing/verify.sh sha256:DIGEST   # cosign verify with identity and issuer",
    "cosign-key": "bash signing/verify.sh sha256:DIGEST   # cosign verify --key",
    "notation": "bash signing/verify.sh sha256:DIGEST   # notation verify (import the trust policy first)",
    "gpg": "bash signing/verify.sh TAG   # skopeo copy under signing/policy.json",
    "dct-legacy": "bash signing/verify.sh TAG   # docker trust inspect (legacy)",
}
_ENFORCE = {
    "cosign-keyless": "`signing/kyverno-clusterpolicy.yaml` (Kyverno `verifyImages`, SigstoreBundle, mutateDigest,"
                      " verifyDigest) or `signing/clusterimagepolicy.yaml` (sigstore policy-controller)",
    "cosign-key": "`signing/kyverno-clusterpolicy.yaml` or `signing/clusterimagepolicy.yaml`; store the public key "
                  "as the Secret they name (a KMS key is read from the KMS) and commit it as `signing/cosign.pub`",
    "notation": "`signing/notation-trustpolicy.json` (`notation policy import`), with the CA certificate committed "
                "as `signing/notation-ca.crt` and added to the trust store named after the service",
    "gpg": "`signing/policy.json` and `signing/registries.d/` on podman/CRI-O hosts (merge into "
           "/etc/containers/policy.json; install the public key where `keyPath` says). The GitHub workflow "
           "uploads the signatures as the `signatures` artifact: publish them where `signature_lookaside` points",
    "dct-legacy": "none: Docker Content Trust is only checked by clients that set DOCKER_CONTENT_TRUST=1",
}


def files(a: Answers) -> dict[str, str]:
    return {"SUPPLY-CHAIN.md": render(a)}


def render(a: Answers) -> str:
    mode = a["signing"]
    lines = ["# Supply chain", "", f"Image: `{a['image_repository']}`. Signing: `{mode}`. {signing.summary(a)}", ""]
    if a["ci"] != "none":
        where = ".github/workflows/container.yml" if a["ci"] == "github" else ".gitlab-ci.yml"
        lines += ["## Pipeline", "",
                  f"`{where}`: lint (hadolint, threshold info) -> build (SBOM, provenance) -> scan by digest with "
                  f"{a['scanner']} (fails on fixable HIGH and CRITICAL) -> sign -> verify. Pull/merge requests build "
                  f"and scan but never push or sign; pushes to `{a['release_branch']}` do all of it.", ""]
    if mode in _VERIFY:
        lines += ["## Sign and verify", "", "```sh", _VERIFY[mode], "```", ""]
        if mode == "cosign-keyless":
            lines += [f"Identity: `{a['signer_identity']}`", f"Issuer: `{a['signer_issuer']}`", ""]
        lines += ["## Enforcement", "", _ENFORCE[mode], ""]
    lines += [
        "## Docker Content Trust is retired (exception to CIS 4.5 / dockle CIS-DI-0005)", "",
        "CIS Docker Benchmark 4.5 and dockle CIS-DI-0005 still ask for `DOCKER_CONTENT_TRUST=1`. Docker retired",
        "Content Trust: the Official Images' DCT certificates expired on 2025-08-08, notary.docker.io shuts down on",
        "2026-12-08, and with DOCKER_CONTENT_TRUST=1 Official Image pulls fail. This service therefore does not",
        "enable DCT; images are signed with Sigstore cosign (default) or Notation and verified at admission.",
    ]
    if mode == "dct-legacy":
        lines += ["", "**" + signing.DCT_WARNING.removeprefix("warning: ") + "**"]
    return "\n".join(lines) + "\n"
