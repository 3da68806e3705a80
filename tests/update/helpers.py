"""Helpers for the update/check/bake tests: run the real CLI and make services and team templates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def dockseal(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300)


def new_service(path: Path, *sets: str) -> Path:
    proc = dockseal("new", "--no-input", str(path), "--set", "stack=python", *[a for s in sets for a in ("--set", s)])
    assert proc.returncode == 0, proc.stderr
    return path


TEAM_DOCKERFILE = """{%- set ds = dockseal(cookiecutter) -%}
FROM {{ ds.images.runtime.pinned }}
LABEL org.opencontainers.image.title={{ ds.a.service_name | dq }}
USER {{ ds.a.uid }}:{{ ds.a.gid }}
HEALTHCHECK --interval=30s --timeout=3s CMD ["python3", "-c", "print('ok')"]
"""
TEAM_RECORD = """{%- set ds = dockseal(cookiecutter) -%}
{{ ds.record() | to_yaml }}"""
TEAM_HOOK = "from pathlib import Path\nPath('hook-ran').write_text('yes')\n"


def team_template(root: Path, hooks: bool = False) -> Path:
    """A small cookiecutter template that uses dockseal's extension (what a platform team would keep)."""
    (root / "{{cookiecutter.service_name}}").mkdir(parents=True)
    (root / "cookiecutter.json").write_text(json.dumps({
        "service_name": "svc", "_answers": {}, "_extensions": ["generator.jinja_ext.DocksealExtension"]}))
    (root / "{{cookiecutter.service_name}}" / "Dockerfile").write_text(TEAM_DOCKERFILE)
    (root / "{{cookiecutter.service_name}}" / ".dockseal.yml").write_text(TEAM_RECORD)
    if hooks:
        (root / "hooks").mkdir()
        (root / "hooks" / "post_gen_project.py").write_text(TEAM_HOOK)
    return root


def git_env(tmp_path: Path) -> dict:
    import os

    return {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(tmp_path)}
