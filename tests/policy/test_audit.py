"""`dockseal audit` end to end: discovery, parse errors, ignore layers, config, formats, exit codes, --fix."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checkers
from cases import DISTROLESS, PINNED
from generator.cli import main
from generator.policy import Config, audit_files, discover
from generator.policy.config import _team_registries
from generator.policy.config import parse as parse_config

BAD_DOCKERFILE = "FROM python:3.12\nWORKDIR app\nCMD python app.py\n"
BAD_POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\n"
           "spec:\n  containers:\n  - name: c\n    image: nginx\n")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def ids(findings) -> set[str]:
    return {f.control for f in findings}


def test_discovery_by_name_and_content(tmp_path):
    write(tmp_path, {"Dockerfile": "FROM scratch\n", "api.Dockerfile": "FROM scratch\n", "Containerfile": "FROM scratch\n",
                     "deploy/app.yaml": BAD_POD, "compose.yml": "services: {a: {image: x}}\n",
                     "notes.yaml": "just: data\n", "README.md": "FROM x\n", "node_modules/x/Dockerfile": "FROM x\n"})
    found = {(s.path.relative_to(tmp_path).as_posix(), s.kind) for s in discover([tmp_path])}
    assert found == {("Dockerfile", "dockerfile"), ("api.Dockerfile", "dockerfile"), ("Containerfile", "dockerfile"),
                     ("deploy/app.yaml", "kubernetes"), ("compose.yml", "compose")}


def test_findings_carry_lines(tmp_path):
    write(tmp_path, {"Dockerfile": BAD_DOCKERFILE, "pod.yaml": BAD_POD})
    by_control = {(f.control, Path(f.path).name): f.line for f in audit_files([tmp_path])}
    assert by_control[("DS007", "Dockerfile")] == 2
    assert by_control[("DS008", "Dockerfile")] == 3
    assert by_control[("DS201", "pod.yaml")] == 7


def test_every_workload_kind(tmp_path):
    spec = {"containers": [{"name": "c", "image": "nginx"}]}
    template = {"metadata": {}, "spec": spec}
    objs = [{"kind": "Pod", "spec": spec}, {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": template}}}}]
    objs += [{"kind": k, "spec": {"template": template}}
             for k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")]
    docs = [{"apiVersion": "v1", "metadata": {"name": o["kind"].lower()}, **o} for o in objs]
    write(tmp_path, {"all.yaml": yaml.safe_dump_all(docs)})
    lines = {f.line for f in audit_files([tmp_path]) if f.control == "DS201"}
    assert len(lines) == len(docs)


def test_parse_errors_are_findings_not_crashes(tmp_path):
    write(tmp_path, {"bad.yaml": "apiVersion: v1\nkind: Pod\nspec: [unclosed\n", "Dockerfile": "just words\n",
                     "compose.yaml": "services:\n  - a\n"})
    (tmp_path / "bin.Dockerfile").write_bytes(b"FROM \0\xff\xfe")
    findings = audit_files([tmp_path])
    assert {Path(f.path).name for f in findings if f.control == "DS000"} == {"bad.yaml", "Dockerfile", "bin.Dockerfile"}
    assert next(f for f in findings if Path(f.path).name == "bad.yaml").line == 4


def test_unknown_explicit_file_is_a_usage_error(tmp_path, capsys):
    write(tmp_path, {"README.md": "hello\n"})
    assert main(["audit", str(tmp_path / "README.md")]) == 2
    assert "not a Dockerfile" in capsys.readouterr().err
    assert main(["audit", str(tmp_path / "missing")]) == 2


def test_inline_ignores(tmp_path):
    write(tmp_path, {"Dockerfile": "FROM scratch\n# dockseal ignore=DS007\nWORKDIR app\nWORKDIR rel\n"
                                   "CMD run  # dockseal ignore=DS008\n",
                     "pod.yaml": "# dockseal ignore-file=DS201\n" + BAD_POD})
    findings = audit_files([tmp_path])
    assert [f.line for f in findings if f.control == "DS007"] == [4]
    assert "DS008" not in ids(findings) and "DS201" not in ids(findings)


def test_checkov_skip_annotation_skips_the_same_control(tmp_path):
    skipped = BAD_POD.replace("namespace: shop}", "namespace: shop, annotations: {checkov.io/skip1: 'CKV_K8S_43=why'}}")
    write(tmp_path, {"pod.yaml": skipped})
    found = ids(audit_files([tmp_path]))
    assert "DS201" not in found and "DS210" in found


def test_config_layers(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"Dockerfile": BAD_DOCKERFILE})
    config = parse_config({"ignore": ["DS007"], "severity": {"DS008": "info"}, "fail_on": "error"})
    findings = audit_files([tmp_path], config)
    assert "DS007" not in ids(findings)
    assert next(f for f in findings if f.control == "DS008").severity == "info"
    (tmp_path / ".dockseal-audit.yml").write_text("ignore: [DS001, DS003, DS005, DS007]\nfail_on: warning\n")
    monkeypatch.chdir(tmp_path)
    assert main(["audit", "Dockerfile"]) == 1  # DS008 is a warning
    assert main(["audit", "--fail-on", "error", "Dockerfile"]) == 0
    assert main(["audit", "--fail-on", "none", "Dockerfile"]) == 0
    (tmp_path / ".dockseal-audit.yml").write_text("ignore: [DS999]\n")
    assert main(["audit", "Dockerfile"]) == 2
    assert "unknown control(s) DS999" in capsys.readouterr().err
    (tmp_path / ".dockseal-audit.yml").write_text("colour: red\n")
    assert main(["audit", "Dockerfile"]) == 2


def test_trusted_registries_from_team_policy(tmp_path, monkeypatch):
    write(tmp_path, {"Dockerfile": f"FROM {PINNED}\n"})
    monkeypatch.chdir(tmp_path)
    assert "DS002" not in ids(audit_files([tmp_path]))
    write(tmp_path, {"pyproject.toml": '[tool.dockseal.policy]\nallowed_registries = ["ghcr.io/acme/"]\n'})
    _team_registries.cache_clear()
    assert "DS002" in ids(audit_files([tmp_path]))
    _team_registries.cache_clear()


def test_formats(tmp_path, capsys):
    write(tmp_path, {"Dockerfile": BAD_DOCKERFILE})
    assert main(["audit", "--format", "json", str(tmp_path)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 1 and {"control", "severity", "line", "title"} <= set(report["findings"][0])
    assert main(["audit", "--format", "sarif", str(tmp_path)]) == 1
    sarif = json.loads(capsys.readouterr().out)
    assert sarif["version"] == "2.1.0"
    errors = checkers.sarif_errors(sarif)
    assert not errors, errors
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {"DS001", "DS210"} <= {r["id"] for r in rules}
    result = next(r for r in run["results"] if r["ruleId"] == "DS007")
    assert rules[result["ruleIndex"]]["id"] == "DS007"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert main(["audit", str(tmp_path)]) == 1
    assert f"{tmp_path / 'Dockerfile'}:2:1: DS007 error:" in capsys.readouterr().out


def test_list(capsys):
    assert main(["audit", "--list"]) == 0
    out = capsys.readouterr().out
    assert "DS001" in out and "DS209" in out and "CKV_K8S_22" in out


def test_fix_dry_run_then_fix(tmp_path, capsys):
    write(tmp_path, {"Dockerfile": "FROM python:3.12-slim-bookworm AS build\nFROM scratch\nCOPY --from=build /app /app\n",
                     "pod.yaml": "# keep this comment\n" + BAD_POD,
                     "compose.yaml": "services:\n  web:\n    image: x\n    ports:\n      - 127.0.0.1:8080:8080\n",
                     "broken.yaml": "apiVersion: v1\nkind: Pod\nspec: [\n"})
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    assert main(["audit", "--fix", "--dry-run", "--offline", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "+USER 65532:65532" in captured.out and "allowPrivilegeEscalation: false" in captured.out
    assert "broken.yaml:4:1: DS000" in captured.out  # reported, and left alone
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before
    main(["audit", "--fix", "--offline", str(tmp_path)])
    assert (tmp_path / "broken.yaml").read_bytes() == before[tmp_path / "broken.yaml"]
    docker = (tmp_path / "Dockerfile").read_text()
    assert "python:3.12-slim-bookworm@sha256:54c85f3c" in docker and docker.rstrip().endswith("USER 65532:65532")
    pod = (tmp_path / "pod.yaml").read_text()
    assert pod.startswith("# keep this comment") and "\n        drop:\n        - ALL\n" in pod
    assert "\n      - 127.0.0.1:8080:8080\n" in (tmp_path / "compose.yaml").read_text()  # indentation kept
    after = ids(audit_files([tmp_path]))
    assert not {"DS001", "DS003", "DS105", "DS202"} & after


def test_fix_refuses_to_run_without_fix(tmp_path):
    assert main(["audit", "--dry-run", str(tmp_path)]) == 2


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300), kind=st.sampled_from(["Dockerfile", "k.yaml", "compose.yaml"]))
def test_hostile_text_never_crashes(tmp_path_factory, text, kind):
    root = tmp_path_factory.mktemp("hostile")
    body = {"k.yaml": "apiVersion: v1\nkind: Pod\n", "compose.yaml": "services:\n"}.get(kind, "") + text
    (root / kind).write_text(body, encoding="utf-8")
    for finding in audit_files([root], Config()):
        assert finding.line >= 1 and finding.control.startswith("DS")


def test_list_items_are_objects_in_their_own_right(tmp_path):
    item = ("  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: p\n      namespace: default\n"
            "      annotations: {checkov.io/skip1: 'CKV_K8S_43=built here'}\n"
            "    spec:\n      containers:\n      - name: c\n        image: nginx\n")
    write(tmp_path, {"list.yaml": "apiVersion: v1\nkind: List\nitems:\n" + item})
    findings = audit_files([tmp_path])
    assert "DS201" not in ids(findings) and "DS207" in ids(findings)  # the item's annotation and namespace
    assert all(f.line > 3 for f in findings if f.control != "DS207")
    assert next(f for f in findings if f.control == "DS202").line == 12


def test_a_file_nested_too_deeply_is_a_finding_not_a_crash(tmp_path, capsys):
    write(tmp_path, {"deep.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: " + "[" * 600 + "]" * 600 + "\n",
                     "Dockerfile": "FROM scratch\n"})
    assert main(["audit", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "deep.yaml:1:1: DS000 error: nested too deeply" in out and "Dockerfile:1:1: DS003" in out


def test_discovery_edges(tmp_path):
    import codecs
    import os

    (tmp_path / "compose.yml").write_bytes(codecs.BOM_UTF8 + b"services:\n  web: {image: x, privileged: true}\n")
    write(tmp_path, {"build/package/Dockerfile": "FROM scratch\nRUN sudo ls\n",
                     "app/Dockerfile.dockerignore": "*.pyc\n", "vendor/x/Dockerfile": "FROM scratch\n"})
    os.mkfifo(tmp_path / "pipe.yaml")  # never opened: reading a pipe would block
    found = {(s.path.relative_to(tmp_path).as_posix(), s.kind) for s in discover([tmp_path])}
    assert found == {("compose.yml", "compose"), ("build/package/Dockerfile", "dockerfile")}
    assert "DS104" in ids(audit_files([tmp_path / "compose.yml"]))
    assert main(["audit", str(tmp_path / "pipe.yaml")]) == 2


def test_ignore_comments_cover_their_line_and_the_next_only(tmp_path):
    from generator.policy.layers import pragmas

    by_line, _ = pragmas("# dockseal ignore=DS201\n- name: a  # dockseal ignore=DS205\n  image: x\n")
    assert by_line == {1: {"DS201"}, 2: {"DS201", "DS205"}}
    write(tmp_path, {"Dockerfile": "FROM scratch\n# Dockseal ignore=DS016\nRUN sudo ls\n",
                     "compose.yaml": "services:\n  # dockseal ignore=DS103,DS112\n  web:\n    image: x\n"})
    findings = audit_files([tmp_path])
    assert not {"DS016", "DS103", "DS112"} & ids(findings)


def test_config_values_are_never_guessed(tmp_path, capsys):
    write(tmp_path, {"Dockerfile": "FROM scratch\n"})
    (tmp_path / "float.yml").write_text("pss_version: 1.30\n")
    assert main(["audit", "--config", str(tmp_path / "float.yml"), str(tmp_path)]) == 2
    assert 'quote it, e.g. pss_version: "v1.30"' in capsys.readouterr().err
    (tmp_path / "latin1.yml").write_bytes("ignore: [DS001]  # caf\xe9\n".encode("latin-1"))
    assert main(["audit", "--config", str(tmp_path / "latin1.yml"), str(tmp_path)]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_sarif_uris_are_percent_encoded(tmp_path, monkeypatch, capsys):
    write(tmp_path, {"my dir#1/Dockerfile": "FROM scratch\n"})
    monkeypatch.chdir(tmp_path)
    main(["audit", "--format", "sarif", "."])
    result = json.loads(capsys.readouterr().out)["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20dir%231/Dockerfile"
