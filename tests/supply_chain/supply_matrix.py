"""The supply-chain matrix: every ci x signing x scanner combination that differs in what is written.

Outputs come straight from the generator modules (milliseconds each); test_render.py proves that a full render
writes exactly these files, so checking them here checks what users get.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.answers import Answers, resolve
from generator.outputs import github, gitlab, policies, renovate, scripts, supply_docs
from generator.questions import questions

GH = {"source_url": "https://github.com/Acme/Orders"}
GL = {"source_url": "https://gitlab.com/acme/shop/orders"}

VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("gh-keyless-trivy", {**GH}),
    ("gh-keyless-grype-branch", {**GH, "scanner": "grype", "release_branch": "release/v2"}),
    ("gh-cosign-key-env", {**GH, "signing": "cosign-key"}),
    ("gh-cosign-key-kms", {**GH, "signing": "cosign-key", "cosign_key": "awskms:///alias/orders-signing"}),
    ("gh-notation", {**GH, "signing": "notation", "scanner": "grype"}),
    ("gh-gpg", {**GH, "signing": "gpg", "gpg_fingerprint": "0123456789ABCDEF0123456789ABCDEF01234567",
                "signature_lookaside": "https://signatures.example.org/orders"}),
    ("gh-gpg-no-fingerprint", {**GH, "signing": "gpg"}),
    ("gh-dct-legacy", {**GH, "signing": "dct-legacy"}),
    ("gh-unsigned", {**GH, "signing": "none"}),
    ("gh-dockerhub", {**GH, "image_repository": "docker.io/acme/orders"}),
    ("gl-keyless-trivy", {**GL}),
    ("gl-keyless-grype", {**GL, "scanner": "grype"}),
    ("gl-cosign-key", {**GL, "signing": "cosign-key", "cosign_key": "gitlab://acme/orders"}),
    ("gl-unsigned-quay", {**GL, "signing": "none", "image_repository": "quay.io/acme/orders"}),
    ("local-gpg", {"signing": "gpg"}),
    ("local-keyless-email", {"signing": "cosign-keyless", "signer_identity": "dev@example.org",
                             "signer_issuer": "https://accounts.google.com"}),
    ("local-unsigned", {}),
]
IDS = [vid for vid, _ in VARIANTS]


def answers(given: dict[str, Any]) -> Answers:
    return resolve(questions(), {"service_name": "orders", "stack": "python", **given})


def outputs(a: Answers) -> dict[str, str]:
    """Every file the supply-chain part of the post-generation hook writes for these answers."""
    files: dict[str, str] = {}
    for module in (github, gitlab, scripts, policies, renovate, supply_docs):
        files.update(module.files(a))
    return files


def bake_all(root: Path) -> dict[str, tuple[Answers, Path]]:
    baked = {}
    for vid, given in VARIANTS:
        a = answers(given)
        for rel, text in outputs(a).items():
            path = root / vid / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        baked[vid] = (a, root / vid)
    return baked
