"""dockseal check end to end (drift, pins, organisation policy, formats, --all) and dockseal bake."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml

import checkers
from conftest import ROOT, need
from .helpers import dockseal, new_service


def monorepo(root: Path) -> list[Path]:
    return [new_service(root / "svc" / name, f"service_name={name}") for name in ("alpha", "beta", "gamma")]


def test_clean_services_pass_and_drift_fails(tmp_path):
    alpha, beta, gamma = monorepo(tmp_path)
    proc = dockseal("check", "--all", cwd=tmp_path)
    assert proc.returncode == 0 and "3 service(s) checked: no drift" in proc.stdout, proc.stdout + proc.stderr
    with (beta / "Dockerfile").open("a") as fh:
        fh.write("RUN true\n")
    (gamma / "compose.yaml").unlink()
    for extra in ([], ["--full"]):  # the sealed fast path and a real re-render agree
        proc = dockseal("check", "--all", "--format", "json", *extra, cwd=tmp_path)
        assert proc.returncode == 1
        found = {(f["rule"], f["path"]) for f in json.loads(proc.stdout)["findings"] if f["level"] != "note"}
        assert found == {("drift", "svc/beta/Dockerfile"), ("missing-file", "svc/gamma/compose.yaml")}
    assert dockseal("check", str(alpha)).returncode == 0


def test_hand_edited_answers_are_drift(tmp_path):
    svc = new_service(tmp_path / "svc")
    record = svc / ".dockseal.yml"
    record.write_text(record.read_text().replace("port: 8000", "port: 8001"))
    proc = dockseal("check", str(svc), "--format", "json")
    rules = {f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert proc.returncode == 1 and "drift" in rules


def test_stale_and_missing_pins(tmp_path):
    """A digest other than the catalog's is stale when it was seen current before the catalog's observation,
    and only reported when `dockseal pin` saw it after (a registry digest newer than the catalog)."""
    svc = new_service(tmp_path / "svc")
    record = svc / ".dockseal.yml"
    data = yaml.safe_load(record.read_text())
    name = data["images"]["builder"].split("@")[0]
    data["images"]["builder"] = f"{name}@sha256:{'0' * 64}"
    data["pinned_on"]["builder"] = "2020-01-01"
    record.write_text(yaml.safe_dump(data, sort_keys=False))
    proc = dockseal("check", str(svc), "--format", "json")
    found = {(f["rule"], f["level"]) for f in json.loads(proc.stdout)["findings"]}
    assert proc.returncode == 1 and ("stale-pin", "error") in found, proc.stdout
    data["pinned_on"]["builder"] = "2099-01-01"
    record.write_text(yaml.safe_dump(data, sort_keys=False))
    proc = dockseal("check", str(svc), "--format", "json")
    found = {(f["rule"], f["level"]) for f in json.loads(proc.stdout)["findings"]}
    assert ("pin-differs", "note") in found and ("stale-pin", "error") not in found, proc.stdout
    dockerfile = svc / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace(dockerfile.read_text().split("FROM ", 1)[1].split(" ")[0],
                                                         name, 1))
    proc = dockseal("check", str(svc), "--format", "json")
    rules = {f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert proc.returncode == 1 and "missing-pin" in rules


def test_organisation_policy(tmp_path):
    svc = new_service(tmp_path / "svc", "uid=10001", "gid=10001")
    (tmp_path / ".dockseal-org.yml").write_text(yaml.safe_dump({"policy": {
        "allowed_registries": ["cgr.dev/chainguard/"], "uid": 65532,
        "required_labels": ["org.opencontainers.image.title", "com.example.team"]}}))
    proc = dockseal("check", "svc", "--format", "json", cwd=tmp_path)
    found = {f["rule"] for f in json.loads(proc.stdout)["findings"]}
    assert proc.returncode == 1 and {"policy/registry", "policy/uid", "policy/labels"} <= found
    message = [f["message"] for f in json.loads(proc.stdout)["findings"] if f["rule"] == "policy/labels"][0]
    assert "com.example.team" in message and "image.title" not in message
    (tmp_path / ".dockseal-org.yml").write_text("policy: {allowed_registry: []}\n")
    proc = dockseal("check", "svc", cwd=tmp_path)
    assert proc.returncode == 2 and "policy.allowed_registry" in proc.stderr


def test_organisation_defaults_feed_new(tmp_path):
    (tmp_path / ".dockseal-org.yml").write_text(yaml.safe_dump({"defaults": {"uid": 10001, "gid": 10001}}))
    proc = dockseal("new", "--no-input", "--set", "stack=python", "svc", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "USER 10001:10001" in (tmp_path / "svc" / "Dockerfile").read_text()


def test_sarif_is_valid_sarif_2_1_0(tmp_path):
    monorepo(tmp_path)
    with (tmp_path / "svc/alpha/Dockerfile").open("a") as fh:
        fh.write("RUN true\n")
    proc = dockseal("check", "--all", "--format", "sarif", cwd=tmp_path)
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"][0]["ruleId"] == "drift"
    errors = checkers.sarif_errors(log)
    assert not errors, errors


def test_bake_file_parses_and_names_every_service(tmp_path):
    import hcl2

    monorepo(tmp_path)
    proc = dockseal("bake", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = hcl2.loads((tmp_path / "docker-bake.hcl").read_text())
    targets = {name.strip('"'): body for block in data["target"] for name, body in block.items()}
    assert set(targets) == {"alpha", "beta", "gamma"}
    assert targets["beta"]["context"].strip('"') == "svc/beta"
    assert data["group"][0]['"default"']["targets"] == ['"alpha"', '"beta"', '"gamma"']


def test_bake_escapes_interpolation():
    from generator.bake import hcl_string

    assert hcl_string('a${b}%{c}"\n') == '"a$${b}%%{c}\\"\\n"'


def test_action_and_pre_commit_hook():
    proc = subprocess.run([need("check-jsonschema"), "--builtin-schema", "vendor.github-actions",
                           str(ROOT / "action.yml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pinned = yaml.safe_load((ROOT / "generator/data/actions.yml").read_text())["actions"]
    for step in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]:
        if "uses" in step:
            action, sha = step["uses"].split("@")
            assert sha == pinned["/".join(action.split("/")[:2])]["sha"]
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "dockseal-check" and hooks[0]["entry"] == "dockseal check --all"
