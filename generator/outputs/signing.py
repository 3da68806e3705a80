"""What each signing mode does in CI: the GitHub sign/verify jobs, the words the docs use, checkov exceptions.

cosign modes sign by digest and attest the SBOM with cosign (CONTROLS 8: checkov CKV_GHA_5/6 look for exactly
that); the other modes are explicit choices whose exceptions are written into the workflow with the reason.
"""

from __future__ import annotations

from typing import Any

from ..answers import Answers
from . import pins

KMS_SCHEMES = ("awskms://", "gcpkms://", "azurekms://", "hashivault://", "k8s://", "gitlab://")
COSIGN_PUB = "signing/cosign.pub"
DCT_WARNING = (
    "warning: signing=dct-legacy uses Docker Content Trust, which Docker has retired: the Official Images' DCT "
    "certificates expired on 2025-08-08 and notary.docker.io shuts down on 2026-12-08 (with DOCKER_CONTENT_TRUST=1 "
    "Official Image pulls fail). Sign with Sigstore cosign (signing=cosign-keyless, the default) or Notation "
    "(signing=notation) instead."
)
_SUMMARIES = {
    "cosign-keyless": "Signed keyless with Sigstore cosign; the certificate identity is the pipeline's own.",
    "cosign-key": "Signed with cosign and a key (KMS or the COSIGN_PRIVATE_KEY secret).",
    "notation": "Signed with Notation (Notary Project) and the key configured in notation.",
    "gpg": "Signed with GPG simple signing (skopeo --sign-by); signatures go to the lookaside storage.",
    "dct-legacy": "LEGACY: Docker Content Trust, retired by Docker; move to cosign or Notation.",
    "none": "Not signed (signing=none).",
}


def summary(a: Answers) -> str:
    return _SUMMARIES[a["signing"]]


def sign_ref() -> str:
    return '"$IMAGE@$DIGEST"'


def verify_key(a: Answers) -> str:
    """A KMS key verifies through the same URI; a file or env:// key verifies with the committed public key."""
    return a["cosign_key"] if a["cosign_key"].startswith(KMS_SCHEMES) else COSIGN_PUB


def checkov_skips(a: Answers) -> list[tuple[str, str]]:
    """checkov recognises only cosign; other modes document why its two signing checks do not apply."""
    if a["signing"] in ("cosign-keyless", "cosign-key"):
        return []
    reason = {"none": "signing disabled by the answer signing=none",
              "notation": "the image is signed with Notation (notation sign), which checkov does not recognise",
              "gpg": "the image is signed with GPG simple signing (skopeo --sign-by), which checkov does not "
                     "recognise",
              "dct-legacy": "the image is signed with Docker Content Trust (legacy opt-in)"}[a["signing"]]
    return [("CKV_GHA_5", reason), ("CKV_GHA_6", reason)]


def _step(name: str, run: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"name": name, "run": run}
    if env:
        step["env"] = env
    return step


def github_jobs(a: Answers) -> dict[str, Any]:
    """The `sign` and `verify` jobs (pushes only) for the chosen mode; none for signing=none."""
    from .github import checkout, login, registry_host

    mode = a["signing"]
    if mode == "none":
        return {}
    read = {"contents": "read"}
    if registry_host(a) == "ghcr.io":
        read["packages"] = "read"
    write = {**read, "packages": "write"} if "packages" in read else dict(read)
    digest = {"DIGEST": "${{ needs.build.outputs.digest }}"}
    sign_steps: list[dict[str, Any]] = [checkout(), login(a)]
    verify_steps: list[dict[str, Any]] = [checkout(), login(a)]
    if mode in ("cosign-keyless", "cosign-key"):
        install = {"name": "Install cosign", "uses": pins.action("sigstore/cosign-installer").uses()}
        key_flag = "" if mode == "cosign-keyless" else ' --key "$COSIGN_KEY"'
        env = dict(digest)
        if mode == "cosign-key":
            env.update({"COSIGN_KEY": a["cosign_key"], "COSIGN_PRIVATE_KEY": "${{ secrets.COSIGN_PRIVATE_KEY }}",
                        "COSIGN_PASSWORD": "${{ secrets.COSIGN_PASSWORD }}"})
        else:
            write["id-token"] = "write"  # keyless: the job's OIDC token becomes the signing certificate
        sign_steps += [
            install,
            {"name": "SBOM of the pushed image", "uses": pins.action("anchore/sbom-action").uses(),
             "with": {"image": "${{ env.IMAGE }}@${{ needs.build.outputs.digest }}", "format": "spdx-json",
                      "output-file": "sbom.spdx.json", "upload-artifact": False, "upload-release-assets": False}},
            _step("Sign the image by digest", f"cosign sign --yes{key_flag} {sign_ref()}", env),
            _step("Attest the SBOM", "cosign attest --yes" + key_flag +
                  f" --type spdxjson --predicate sbom.spdx.json {sign_ref()}", env),
        ]
        verify_steps += [install, _step("Verify signature and SBOM attestation", _cosign_verify(a), {
            **digest, **_verify_env(a)})]
    elif mode == "notation":
        setup = {"name": "Install Notation", "uses": pins.action("notaryproject/notation-action").uses("/setup")}
        sign_steps += [setup, _step("Sign the image by digest with Notation",
                                    f'notation sign --signature-format cose --key "$NOTATION_KEY" {sign_ref()}',
                                    {**digest, "NOTATION_KEY": a["notation_key"]})]
        verify_steps += [setup, _step("Verify with the committed trust policy", "\n".join([
            'notation cert add --type ca --store "$TRUST_STORE" signing/notation-ca.crt',
            "notation policy import --force signing/notation-trustpolicy.json",
            f"notation verify {sign_ref()}"]), {**digest, "TRUST_STORE": a["service_name"]})]
    elif mode == "gpg":
        from .policies import staging

        stage = {"STAGING_DIR": staging(a).removeprefix("file://")}
        fingerprint = a["gpg_fingerprint"] or "${{ vars.GPG_FINGERPRINT }}"
        sign_steps += [
            _step("Import the signing key", 'printf \'%s\\n\' "$GPG_PRIVATE_KEY" | gpg --batch --import',
                  {"GPG_PRIVATE_KEY": "${{ secrets.GPG_PRIVATE_KEY }}"}),
            _step("Prepare the signature staging directory", 'sudo install -d -o "$(id -u)" "$STAGING_DIR"', stage),
            _step("Sign (skopeo --sign-by) under the commit tag",
                  'bash signing/sign.sh "docker://$IMAGE@$DIGEST" "sha-$GITHUB_SHA"',
                  {**digest, "GPG_FINGERPRINT": fingerprint}),
            {"name": "Keep the signatures for the lookaside server",
             "uses": pins.action("actions/upload-artifact").uses(),
             "with": {"name": "signatures", "path": stage["STAGING_DIR"], "if-no-files-found": "error"}},
        ]
        verify_steps = []  # verified where the lookaside serves them: signing/verify.sh on a host
    else:  # dct-legacy
        sign_steps += [_step("Sign with Docker Content Trust (legacy)", 'bash signing/sign.sh "sha-$GITHUB_SHA"', {
            **digest, "DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE": "${{ secrets.DCT_REPOSITORY_PASSPHRASE }}"})]
        verify_steps += [_step("Inspect the trust data (legacy)", 'bash signing/verify.sh "sha-$GITHUB_SHA"')]
    jobs: dict[str, Any] = {"sign": {"name": "Sign", "needs": "build", "if": "github.event_name != 'pull_request'",
                                     "runs-on": "ubuntu-24.04", "permissions": write, "steps": sign_steps}}
    if verify_steps:
        jobs["verify"] = {"name": "Verify the signature", "needs": ["build", "sign"], "runs-on": "ubuntu-24.04",
                          "permissions": read, "steps": verify_steps}
    return jobs


def _verify_env(a: Answers) -> dict[str, str]:
    if a["signing"] == "cosign-keyless":
        return {"CERT_IDENTITY": a["signer_identity"], "CERT_ISSUER": a["signer_issuer"]}
    return {"COSIGN_PUBLIC_KEY": verify_key(a)}


def _cosign_verify(a: Answers) -> str:
    if a["signing"] == "cosign-keyless":
        flags = '--certificate-identity "$CERT_IDENTITY" --certificate-oidc-issuer "$CERT_ISSUER"'
    else:
        flags = '--key "$COSIGN_PUBLIC_KEY"'
    return "\n".join([f"cosign verify {flags} {sign_ref()}",
                      f"cosign verify-attestation --type spdxjson {flags} {sign_ref()}"])
