"""DS010: TLS and package signature checks stay on (RUN and ENV)."""

from __future__ import annotations

import re
from typing import Iterator

from ..dockerfile import DockerfileDoc
from ..finding import Hit
from ._util import at

ID = "DS010"
TARGET = "dockerfile"
_RUN = [
    (re.compile(r"\bcurl\b[^|;&]*\s(-k|--insecure|-[a-zA-Z]*k[a-zA-Z]*)\b"), "curl without certificate checks"),
    (re.compile(r"\bwget\b[^|;&]*--no-check-certificate"), "wget --no-check-certificate"),
    (re.compile(r"--trusted-host\b"), "pip --trusted-host"),
    (re.compile(r"--allow-unauthenticated|--force-yes|AllowUnauthenticated|allow-insecure"),
     "apt without signature checks"),
    (re.compile(r"--nogpgcheck|gpgcheck=0"), "yum/dnf without signature checks"),
    (re.compile(r"--allow-untrusted"), "apk --allow-untrusted"),
    (re.compile(r"strict-ssl\s*(=|\s)\s*false"), "npm strict-ssl false"),
    (re.compile(r"(?i)http\.sslverify\s*(=|\s)\s*false"), "git sslVerify false"),
    (re.compile(r"GIT_SSL_NO_VERIFY|NODE_TLS_REJECT_UNAUTHORIZED=0|PYTHONHTTPSVERIFY=0"), "TLS checks disabled"),
]
_ENV = {"NODE_TLS_REJECT_UNAUTHORIZED": "0", "PYTHONHTTPSVERIFY": "0", "GIT_SSL_NO_VERIFY": None,
        "PIP_TRUSTED_HOST": None, "NPM_CONFIG_STRICT_SSL": "false"}


def check(doc: DockerfileDoc) -> Iterator[Hit]:
    for ins in doc.instructions:
        if ins.cmd == "RUN":
            for pattern, what in _RUN:
                if pattern.search(ins.text):
                    yield at(ins, f"{what}: verification is disabled")
                    break
        elif ins.cmd == "ENV":
            for name, value in zip(ins.args[0::2], ins.args[1::2]):
                bad = _ENV.get(name.upper(), "")
                if name.upper() in _ENV and (bad is None or value.strip("\"'").lower() == bad):
                    yield at(ins, f"ENV {name}={value} disables TLS verification")
