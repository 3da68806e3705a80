"""`signing/sign.sh` and `signing/verify.sh` for the chosen mode, usable in CI and by hand.

The bodies are plain bash files next to this module (shellcheck-clean, every expansion quoted). Only the
defaults differ per service; they are written here as `default_x=<shlex-quoted value>` lines and every one can be
overridden from the environment, so no answer is ever spliced into shell code.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from ..answers import Answers
from .signing import DCT_WARNING, verify_key

BODIES = Path(__file__).resolve().parent / "scripts"
_FAMILY = {"cosign-keyless": "cosign", "cosign-key": "cosign", "notation": "notation", "gpg": "gpg",
           "dct-legacy": "dct"}
_PURPOSE = {"sign": "Sign the service image", "verify": "Verify the service image's signature"}


def files(a: Answers) -> dict[str, str]:
    if a["signing"] == "none":
        return {}
    return {f"signing/{action}.sh": script(a, action) for action in ("sign", "verify")}


def defaults(a: Answers, action: str) -> dict[str, str]:
    """Environment variable -> default value from the answers (as data; quoted when written)."""
    mode = a["signing"]
    values = {"IMAGE": a["image_repository"]}
    if mode == "cosign-keyless" and action == "verify":
        values.update(CERT_IDENTITY=a["signer_identity"], CERT_ISSUER=a["signer_issuer"])
    elif mode == "cosign-key":
        values.update({"COSIGN_KEY": a["cosign_key"]} if action == "sign" else {"COSIGN_PUBLIC_KEY": verify_key(a)})
    elif mode == "notation" and action == "sign":
        values["NOTATION_KEY"] = a["notation_key"]
    elif mode == "gpg" and action == "sign":
        values["GPG_FINGERPRINT"] = a["gpg_fingerprint"]
    return values


def script(a: Answers, action: str) -> str:
    mode = a["signing"]
    lines = ["#!/usr/bin/env bash",
             f"# {_PURPOSE[action]} ({mode}). Written by dockseal; run from the project root.",
             "# Every default below can be overridden from the environment.",
             "set -euo pipefail"]
    for name, value in defaults(a, action).items():
        var = "default_" + name.lower()
        lines += [f"{var}={shlex.quote(value)}", f"{name}=${{{name}:-${var}}}"]
    if mode == "gpg":  # the generated host configuration sits next to the script
        lines.append('here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)')
        lines.append('REGISTRIES_D=${REGISTRIES_D:-$here/registries.d}')
        if action == "verify":
            lines.append('POLICY=${POLICY:-$here/policy.json}')
    if mode == "dct-legacy":
        lines.append(f"dct_warning={shlex.quote(DCT_WARNING)}")
    body = (BODIES / f"{_FAMILY[mode]}-{action}.sh").read_text(encoding="utf-8")
    return "\n".join(lines) + "\n" + body
