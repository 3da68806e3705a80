"""`dockseal audit --fix`: only what the audit reports, nothing the user set or excluded, and the rest of each
file byte for byte (comments, other documents, line ends, byte order mark)."""

from __future__ import annotations

import codecs
import json

import yaml

from generator.cli import main
from generator.policy import audit_files

POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
       "spec:\n  containers:\n  - name: c\n    image: nginx\n")


def fixed(tmp_path, name: str, text: str | bytes, *args: str) -> bytes:
    """Run `audit --fix --offline` on one file and return its bytes afterwards."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    main(["audit", "--fix", "--offline", "--fail-on", "none", *args, str(path)])
    return path.read_bytes()


def test_excluded_files_are_never_fixed(tmp_path, monkeypatch):
    (tmp_path / ".dockseal-audit.yml").write_text('exclude: ["legacy/**"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "Dockerfile").write_text("FROM python:3.12-slim-bookworm\n")
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "--fix", "--offline", "."]) == 0
    assert (tmp_path / "legacy" / "Dockerfile").read_text() == "FROM python:3.12-slim-bookworm\n"


def test_a_value_the_file_sets_is_kept_and_ignored_controls_are_not_fixed(tmp_path):
    explicit = POD.replace("    image: nginx\n", "    image: nginx\n    imagePullPolicy: Never  # kind load\n")
    assert b"imagePullPolicy: Never  # kind load" in fixed(tmp_path, "a/pod.yaml", explicit)
    ignored = "# dockseal ignore-file=DS202,DS210\n" + POD
    assert fixed(tmp_path, "b/pod.yaml", ignored) == ignored.encode()
    config = tmp_path / "audit.yml"
    config.write_text("ignore: [DS210]\n")
    out = yaml.safe_load(fixed(tmp_path, "c/pod.yaml", POD, "--config", str(config)))
    container = out["spec"]["containers"][0]
    assert container["imagePullPolicy"] == "Always" and "securityContext" not in container


def test_windows_pods_get_no_linux_only_fields(tmp_path):
    windows = POD.replace("spec:\n", "spec:\n  os: {name: windows}\n")
    out = yaml.safe_load(fixed(tmp_path, "pod.yaml", windows))
    spec = out["spec"]
    assert "seccompProfile" not in spec.get("securityContext", {})
    assert "allowPrivilegeEscalation" not in str(spec) and "capabilities" not in str(spec)
    assert spec["containers"][0]["imagePullPolicy"] == "Always"


def test_only_the_documents_that_change_are_rewritten(tmp_path):
    service = "---\n# the service\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  -   port: 80\n"
    comment_only = "---\n# kept for later: a second pod\n"
    text = "# header\n" + POD + service + comment_only
    out = fixed(tmp_path, "all.yaml", text).decode()
    assert out.startswith("# header\n") and out.endswith(service + comment_only)
    assert "allowPrivilegeEscalation: false" in out and "null" not in out


def test_line_ends_and_byte_order_mark_are_kept(tmp_path):
    crlf = POD.replace("\n", "\r\n").encode()
    out = fixed(tmp_path, "pod.yaml", codecs.BOM_UTF8 + crlf)
    assert out.startswith(codecs.BOM_UTF8) and b"allowPrivilegeEscalation" in out
    assert out.count(b"\r\n") == out.count(b"\n")
    dockerfile = "FROM python:3.12-slim-bookworm AS b\r\nFROM scratch\r\nCOPY --from=b /a /a\r\n"
    out = fixed(tmp_path, "Dockerfile", dockerfile)
    assert b"USER 65532:65532\r\n" in out and out.count(b"\r\n") == out.count(b"\n")


def test_dry_run_diff_names_each_file_and_keeps_machine_formats_clean(tmp_path, monkeypatch, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "Dockerfile").write_text("FROM python:3.12-slim-bookworm\n")
    monkeypatch.chdir(tmp_path)
    main(["audit", "--fix", "--dry-run", "--offline", "."])
    out = capsys.readouterr().out
    assert "--- a/a/Dockerfile" in out and "--- a/b/Dockerfile" in out
    main(["audit", "--fix", "--dry-run", "--offline", "--format", "json", "."])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["files"] == 2 and "+FROM python:3.12-slim-bookworm@sha256:" in captured.err
    assert {f.control for f in audit_files([tmp_path])} >= {"DS001"}  # nothing was written
