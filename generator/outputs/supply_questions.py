"""Answer keys for the supply chain (CI pipeline, signing, scanning), spliced into `generator.questions`.

Defaults follow the source URL and image repository: a GitHub or GitLab project gets that forge's pipeline and
keyless cosign signing bound to the pipeline's own OIDC identity; anything else gets neither until asked.
"""

from __future__ import annotations

import re

from ..answers import Answers, Question

CI_CHOICES = ["github", "gitlab", "none"]
SIGNING_CHOICES = ["cosign-keyless", "cosign-key", "notation", "gpg", "dct-legacy", "none"]
GITLAB_SIGNING = ["cosign-keyless", "cosign-key", "none"]  # what the GitLab pipeline itself can sign with
SCANNER_CHOICES = ["trivy", "grype"]
WORKFLOW_FILE = ".github/workflows/container.yml"
ISSUERS = {"github": "https://token.actions.githubusercontent.com", "gitlab": "https://gitlab.com"}

HTTPS_URL = r"https://[A-Za-z0-9._~:/?#\[\]@!&()*+,;=%-]+"
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
BRANCH = r"(?!.*(\.\.|//|@\{))[A-Za-z0-9][A-Za-z0-9._/-]{0,99}(?<![/.])"
ABS_PATH = r"(?!.*/\.\.?(/|$))(/[A-Za-z0-9._-]+)+"
COSIGN_KEY = r"(env|awskms|gcpkms|azurekms|hashivault|k8s|gitlab)://[A-Za-z0-9._/:@=+-]+|[A-Za-z0-9._/-]+\.key"
LOOKASIDE = HTTPS_URL + r"|file://" + ABS_PATH

_FORGES = {"github": ("github.com", "ghcr.io"), "gitlab": ("gitlab.com", "registry.gitlab.com")}


def forge_project(a: Answers, forge: str) -> str | None:
    """OWNER/REPO (GitHub) or GROUP/.../PROJECT (GitLab) from the source URL, else from the image repository.

    The source URL keeps the project's real letter case, which keyless certificate identities compare exactly.
    """
    web, registry = _FORGES[forge]
    match = re.fullmatch(rf"https://{re.escape(web)}/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+?)(?:\.git)?/?",
                         a.get("source_url") or "")
    if match:
        return match.group(1)
    repo = a.get("image_repository") or ""
    if repo.startswith(registry + "/"):
        parts = repo.split("/")[1:]
        return "/".join(parts if forge == "gitlab" else parts[:2]) if len(parts) >= 2 else None
    return None


def _ci(a: Answers) -> str:
    for forge in ("github", "gitlab"):
        if forge_project(a, forge):
            return forge
    return "none"


def _signing(a: Answers) -> str:
    """Keyless signing needs an OIDC identity, which a CI pipeline provides; without one, ask explicitly."""
    return "cosign-keyless" if a["ci"] != "none" else "none"


def keyless_identity(a: Answers) -> str:
    """The certificate identity (SAN) that the generated pipeline's keyless signature carries."""
    project = forge_project(a, a["ci"]) if a["ci"] != "none" else None
    if not project:
        return ""
    ref = f"refs/heads/{a['release_branch']}"
    if a["ci"] == "github":
        return f"https://github.com/{project}/{WORKFLOW_FILE}@{ref}"
    return f"https://gitlab.com/{project}//.gitlab-ci.yml@{ref}"


def _issuer(a: Answers) -> str:
    if a["ci"] == "gitlab" and not forge_project(a, "gitlab"):
        return ""  # a self-managed GitLab is its own issuer: ask
    return ISSUERS.get(a["ci"], "")


def _signing_choices(a: Answers) -> list[str]:
    return GITLAB_SIGNING if a["ci"] == "gitlab" else SIGNING_CHOICES


def _mode(*modes: str):
    return lambda a: a.get("signing") in modes


SUPPLY_CHAIN_QUESTIONS = [
    Question("ci", "CI pipeline", "choice", choices=lambda a: CI_CHOICES, auto=_ci,
             help="github: .github/workflows/container.yml; gitlab: .gitlab-ci.yml; none"),
    Question("scanner", "Vulnerability scanner in CI", "choice", choices=lambda a: SCANNER_CHOICES,
             when=lambda a: a["ci"] != "none", inactive="",
             help="trivy or grype; the pipeline fails on fixable HIGH and CRITICAL findings"),
    Question("release_branch", "Branch whose pipeline pushes and signs", pattern=BRANCH, max_length=100,
             when=lambda a: a["ci"] != "none", inactive="", help="a git branch name such as main"),
    Question("signing", "Image signing", "choice", choices=_signing_choices, auto=_signing,
             help="cosign-keyless (Sigstore, CI identity), cosign-key, notation, gpg (containers simple signing), "
                  "dct-legacy (retired Docker Content Trust) or none; with ci=gitlab: cosign-keyless, cosign-key or none"),
    Question("signer_identity", "Keyless signer identity (certificate SAN)", "slug",
             pattern=HTTPS_URL + "|" + EMAIL, max_length=500, when=_mode("cosign-keyless"), inactive="",
             auto=keyless_identity,
             help="the pipeline's identity, e.g. https://github.com/OWNER/REPO/.github/workflows/container.yml"
                  "@refs/heads/main, or the signer's e-mail address when signing outside CI"),
    Question("signer_issuer", "Keyless OIDC issuer", "slug", pattern=HTTPS_URL, max_length=500,
             when=_mode("cosign-keyless"), inactive="", auto=_issuer,
             help="an https:// URL such as https://token.actions.githubusercontent.com or https://gitlab.com"),
    Question("cosign_key", "cosign private key reference", "slug", pattern=COSIGN_KEY, max_length=300,
             when=_mode("cosign-key"), inactive="",
             help="a KMS URI (awskms://, gcpkms://, azurekms://, hashivault://, k8s://), env://VAR or a .key file"),
    Question("notation_key", "Notation signing key name", "slug", pattern=r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}",
             max_length=100, when=_mode("notation"), inactive="", auto=lambda a: a["service_name"],
             help="the key name configured in notation (letters, digits, '.', '_', '-')"),
    Question("gpg_fingerprint", "GPG key fingerprint that signs (empty: give GPG_FINGERPRINT when signing)",
             pattern=r"[0-9A-Fa-f]{40}", max_length=40, when=_mode("gpg"), inactive="",
             help="the 40 hex digits of the signing key's fingerprint, or empty"),
    Question("gpg_public_key", "Path of the GPG public key on hosts that verify", pattern=ABS_PATH, max_length=300,
             when=_mode("gpg"), inactive="", auto=lambda a: f"/etc/pki/containers/{a['service_name']}.gpg",
             help="an absolute path such as /etc/pki/containers/orders.gpg"),
    Question("signature_lookaside", "Where GPG signatures are stored (lookaside)", pattern=LOOKASIDE,
             max_length=500, when=_mode("gpg"), inactive="",
             help="an https:// URL that serves the signatures, or file:///absolute/path"),
]
