"""renovate.json: keep the pins fresh (base image digests in the Dockerfile, action SHAs, CI tool images).

Renovate keeps the version comment next to each SHA in step (`helpers:pinGitHubActionDigests`) and adds digests
to tag-only images (`docker:pinDigests`), which is how the GitLab tool images get theirs.
"""

from __future__ import annotations

import json
from typing import Any

from ..answers import Answers

SCHEMA = "https://docs.renovatebot.com/renovate-schema.json"


def files(a: Answers) -> dict[str, str]:
    return {"renovate.json": json.dumps(config(a), indent=2) + "\n"}


def config(a: Answers) -> dict[str, Any]:
    managers = ["dockerfile"] + {"github": ["github-actions"], "gitlab": ["gitlabci"]}.get(a["ci"], [])
    return {
        "$schema": SCHEMA,
        "extends": ["config:recommended", "docker:pinDigests", "helpers:pinGitHubActionDigests"],
        "enabledManagers": managers,
        "packageRules": [
            {"description": "Digest refreshes of pinned images and actions: one grouped PR a week",
             "matchUpdateTypes": ["digest", "pinDigest"], "groupName": "pinned digests",
             "schedule": ["before 6am on monday"]},
            {"description": "Never downgrade to or adopt a known-bad Trivy release (March 2026 compromise)",
             "matchPackageNames": ["aquasec/trivy"], "allowedVersions": "!/^0\\.69\\.[456]$/"},
        ],
    }
