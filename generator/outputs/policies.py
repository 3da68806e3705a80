"""Where signatures are enforced: Kubernetes admission (Kyverno, sigstore policy-controller), podman/CRI-O hosts
(containers policy.json + registries.d) and Notation's trust policy, all bound to the identity CI signs with.
"""

from __future__ import annotations

import json
from typing import Any

from ..answers import Answers
from .common import dump
from .signing import COSIGN_PUB, verify_key

DEFAULT_STAGING = "file:///var/lib/containers/sigstore"
REKOR = "https://rekor.sigstore.dev"
FULCIO = "https://fulcio.sigstore.dev"


def files(a: Answers) -> dict[str, str]:
    mode = a["signing"]
    out: dict[str, str] = {}
    if mode in ("cosign-keyless", "cosign-key"):
        out["signing/kyverno-clusterpolicy.yaml"] = dump(
            "Kyverno: admit Pods only when this image is signed by the pipeline's identity (written by dockseal).",
            kyverno(a))
        out["signing/clusterimagepolicy.yaml"] = dump(
            "sigstore policy-controller: the same rule for clusters that run it (written by dockseal).",
            cluster_image_policy(a))
    elif mode == "gpg":
        out["signing/policy.json"] = json.dumps(containers_policy(a), indent=2) + "\n"
        out[f"signing/registries.d/{a['service_name']}.yaml"] = dump(
            "containers registries.d: where GPG signatures of this image are written and read (dockseal).",
            registries_d(a))
    elif mode == "notation":
        out["signing/notation-trustpolicy.json"] = json.dumps(notation_trust_policy(a), indent=2) + "\n"
    return out


def _images(a: Answers) -> list[str]:
    return [a["image_repository"] + ":*", a["image_repository"] + "@*"]


def _cosign_attestor(a: Answers) -> dict[str, Any]:
    if a["signing"] == "cosign-keyless":
        return {"keyless": {"subject": a["signer_identity"], "issuer": a["signer_issuer"], "rekor": {"url": REKOR}}}
    key = verify_key(a)
    if key == COSIGN_PUB:
        return {"keys": {"secret": {"name": f"{a['service_name']}-cosign-pub", "namespace": "kyverno"},
                         "rekor": {"url": REKOR}}}
    return {"keys": {"kms": key, "rekor": {"url": REKOR}}}


def kyverno(a: Answers) -> dict[str, Any]:
    """verifyImages with a SigstoreBundle (cosign v3 bundles), digest mutation and digest enforcement."""
    attestors = [{"count": 1, "entries": [_cosign_attestor(a)]}]
    return {
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": f"verify-{a['service_name']}",
                     "annotations": {"policies.kyverno.io/title": f"Verify {a['image_repository']}"}},
        "spec": {
            "webhookTimeoutSeconds": 30,
            "background": False,
            "rules": [{
                "name": "signed-by-ci",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "verifyImages": [{
                    "imageReferences": _images(a),
                    "type": "SigstoreBundle",
                    "failureAction": "Enforce",
                    "mutateDigest": True,
                    "verifyDigest": True,
                    "required": True,
                    "attestors": attestors,
                    "attestations": [{"type": "https://spdx.dev/Document", "attestors": attestors}],
                }],
            }],
        },
    }


def cluster_image_policy(a: Answers) -> dict[str, Any]:
    if a["signing"] == "cosign-keyless":
        authority: dict[str, Any] = {"name": "ci", "keyless": {
            "url": FULCIO, "identities": [{"issuer": a["signer_issuer"], "subject": a["signer_identity"]}]}}
    else:
        key = verify_key(a)
        authority = {"name": "ci", "key": {"kms": key} if key != COSIGN_PUB else
                     {"secretRef": {"name": f"{a['service_name']}-cosign-pub"}}}
    authority.update({"ctlog": {"url": REKOR}, "signatureFormat": "bundle"})
    return {
        "apiVersion": "policy.sigstore.dev/v1beta1",
        "kind": "ClusterImagePolicy",
        "metadata": {"name": f"verify-{a['service_name']}"},
        "spec": {"images": [{"glob": a["image_repository"] + "**"}], "authorities": [authority]},
    }


def containers_policy(a: Answers) -> dict[str, Any]:
    """policy.json for podman/CRI-O/skopeo: this repository needs a signature by the GPG key; all else rejected.

    Merge the `transports.docker` entry into the host's /etc/containers/policy.json to keep other images working.
    The default identity rule (matchRepoDigestOrExact) also rejects a signed image re-tagged under another tag.
    """
    return {
        "default": [{"type": "reject"}],
        "transports": {"docker": {a["image_repository"]: [
            {"type": "signedBy", "keyType": "GPGKeys", "keyPath": a["gpg_public_key"]}]}},
    }


def staging(a: Answers) -> str:
    """Where the signer writes signatures: the lookaside itself when local, else the containers default."""
    lookaside = a["signature_lookaside"]
    return lookaside if lookaside.startswith("file://") else DEFAULT_STAGING


def registries_d(a: Answers) -> dict[str, Any]:
    return {"docker": {a["image_repository"]: {"lookaside": a["signature_lookaside"],
                                               "lookaside-staging": staging(a)}}}


def notation_trust_policy(a: Answers) -> dict[str, Any]:
    """Strict verification against the CA certificate in the trust store named after the service."""
    return {
        "version": "1.0",
        "trustPolicies": [{
            "name": a["service_name"],
            "registryScopes": [a["image_repository"]],
            "signatureVerification": {"level": "strict"},
            "trustStores": [f"ca:{a['service_name']}"],
            "trustedIdentities": ["*"],
        }],
    }
