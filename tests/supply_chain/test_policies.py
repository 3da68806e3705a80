"""Policies parse and carry exactly the identity the pipeline signs with, and the scripts default to it."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from conftest import need

KEYLESS = ["gh-keyless-trivy", "gh-keyless-grype-branch", "gh-dockerhub", "gl-keyless-trivy", "gl-keyless-grype",
           "local-keyless-email"]


def script_defaults(path, *names: str) -> list[str]:
    """The values the script's own defaults give its variables (bash evaluates the real prelude)."""
    need("bash")
    prelude = path.read_text().split("\nset -euo pipefail\n", 1)[1]
    prelude = "\n".join(line for line in prelude.splitlines()
                        if line.startswith(("default_", *(f"{n}=" for n in names))))
    env = {k: v for k, v in os.environ.items() if k not in names}
    show = " ".join(f'"${n}"' for n in names)
    out = subprocess.run(["bash", "-c", f"set -euo pipefail\n{prelude}\nprintf '%s\\0' {show}"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return out.split("\0")[:-1]


@pytest.mark.parametrize("vid", KEYLESS)
def test_keyless_policies_and_scripts_bind_the_pipeline_identity(baked, vid):
    a, out = baked[vid]
    identity, issuer = a["signer_identity"], a["signer_issuer"]
    if vid.startswith("gh-"):
        assert identity == ("https://github.com/Acme/Orders/.github/workflows/container.yml@refs/heads/"
                            + a["release_branch"])
        assert issuer == "https://token.actions.githubusercontent.com"
        wf = yaml.safe_load((out / ".github/workflows/container.yml").read_text())
        verify = next(s for s in wf["jobs"]["verify"]["steps"] if "run" in s)
        assert verify["env"]["CERT_IDENTITY"] == identity and verify["env"]["CERT_ISSUER"] == issuer
        assert wf["on"]["push"]["branches"] == [a["release_branch"]]
    elif vid.startswith("gl-"):
        assert identity == "https://gitlab.com/acme/shop/orders//.gitlab-ci.yml@refs/heads/main"
        assert issuer == "https://gitlab.com"
    kyverno = yaml.safe_load((out / "signing/kyverno-clusterpolicy.yaml").read_text())
    rule = kyverno["spec"]["rules"][0]["verifyImages"][0]
    assert rule["type"] == "SigstoreBundle" and rule["mutateDigest"] and rule["verifyDigest"] and rule["required"]
    assert rule["imageReferences"] == [a["image_repository"] + ":*", a["image_repository"] + "@*"]
    for attestors in (rule["attestors"], rule["attestations"][0]["attestors"]):
        keyless = attestors[0]["entries"][0]["keyless"]
        assert (keyless["subject"], keyless["issuer"]) == (identity, issuer)
    cip = yaml.safe_load((out / "signing/clusterimagepolicy.yaml").read_text())
    authority = cip["spec"]["authorities"][0]
    assert authority["keyless"]["identities"] == [{"issuer": issuer, "subject": identity}]
    assert authority["signatureFormat"] == "bundle"
    assert script_defaults(out / "signing/verify.sh", "IMAGE", "CERT_IDENTITY", "CERT_ISSUER") == [
        a["image_repository"], identity, issuer]


@pytest.mark.parametrize("vid", ["gh-cosign-key-env", "gh-cosign-key-kms", "gl-cosign-key"])
def test_key_policies_use_the_signing_key(baked, vid):
    a, out = baked[vid]
    kyverno = yaml.safe_load((out / "signing/kyverno-clusterpolicy.yaml").read_text())
    keys = kyverno["spec"]["rules"][0]["verifyImages"][0]["attestors"][0]["entries"][0]["keys"]
    public = script_defaults(out / "signing/verify.sh", "COSIGN_PUBLIC_KEY")[0]
    if a["cosign_key"].startswith("env://"):
        assert keys["secret"]["name"] == "orders-cosign-pub" and public == "signing/cosign.pub"
    else:
        assert keys["kms"] == a["cosign_key"] == public
    assert script_defaults(out / "signing/sign.sh", "COSIGN_KEY") == [a["cosign_key"]]


@pytest.mark.parametrize("vid", ["gh-gpg", "local-gpg"])
def test_gpg_host_policy_matches_the_signing_flow(baked, vid):
    a, out = baked[vid]
    policy = json.loads((out / "signing/policy.json").read_text())
    assert policy["default"] == [{"type": "reject"}]
    assert policy["transports"]["docker"] == {a["image_repository"]: [
        {"type": "signedBy", "keyType": "GPGKeys", "keyPath": a["gpg_public_key"]}]}
    registries = yaml.safe_load((out / f"signing/registries.d/{a['service_name']}.yaml").read_text())
    entry = registries["docker"][a["image_repository"]]
    assert entry["lookaside"] == a["signature_lookaside"]
    assert entry["lookaside-staging"].startswith("file:///")
    assert script_defaults(out / "signing/sign.sh", "IMAGE", "GPG_FINGERPRINT") == [
        a["image_repository"], a["gpg_fingerprint"]]


def test_gpg_sign_refuses_without_a_fingerprint(baked):
    _, out = baked["gh-gpg-no-fingerprint"]
    env = {k: v for k, v in os.environ.items() if k != "GPG_FINGERPRINT"}
    proc = subprocess.run(["bash", str(out / "signing/sign.sh"), "oci-archive:image.tar", "v1"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "GPG_FINGERPRINT" in proc.stderr


def test_notation_trust_policy_is_scoped_to_the_image(baked):
    a, out = baked["gh-notation"]
    policy = json.loads((out / "signing/notation-trustpolicy.json").read_text())["trustPolicies"][0]
    assert policy["registryScopes"] == [a["image_repository"]]
    assert policy["signatureVerification"] == {"level": "strict"}
    assert policy["trustStores"] == ["ca:orders"]
    assert script_defaults(out / "signing/sign.sh", "NOTATION_KEY") == [a["notation_key"]]


@pytest.mark.parametrize("vid,usage", [("gh-keyless-trivy", "sha256:DIGEST"), ("gh-gpg", "SOURCE TAG"),
                                       ("gh-notation", "sha256:DIGEST")])
def test_scripts_refuse_bad_arguments(baked, vid, usage):
    _, out = baked[vid]
    for argv in ([], ["latest"], ["sha256:abc; rm -rf /"], ["$(id)", "x y"]):
        proc = subprocess.run(["bash", str(out / "signing/sign.sh"), *argv], capture_output=True, text=True,
                              timeout=60, env={**os.environ, "PATH": "/usr/bin:/bin"})
        assert proc.returncode == 2 and usage in proc.stderr, (argv, proc.stderr)


def test_dct_legacy_scripts_warn(baked):
    _, out = baked["gh-dct-legacy"]
    proc = subprocess.run(["bash", str(out / "signing/sign.sh")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Docker has retired" in proc.stderr and "cosign" in proc.stderr
    docs = (out / "SUPPLY-CHAIN.md").read_text()
    assert "Docker Content Trust is retired" in docs and "Docker has retired" in docs


def test_every_variant_documents_the_dct_exception(baked):
    for _, out in baked.values():
        docs = (out / "SUPPLY-CHAIN.md").read_text()
        assert "CIS 4.5" in docs and "CIS-DI-0005" in docs and "2026-12-08" in docs
