"""dockseal update end to end: edits survive, conflicts are marked and listed (exit 1), --dry-run writes nothing,
old records migrate, team templates from a git URL re-render their old commit as the merge base."""

from __future__ import annotations

import json
import subprocess

import yaml

from conftest import need
from .helpers import dockseal, git_env, new_service, team_template


def test_edits_survive_and_answers_change(tmp_path):
    svc = new_service(tmp_path / "svc")
    with (svc / "compose.yaml").open("a") as fh:
        fh.write("# kept by the team\n")
    proc = dockseal("update", str(svc), "--set", "port=9000")
    assert proc.returncode == 0, proc.stderr
    compose = (svc / "compose.yaml").read_text()
    assert compose.endswith("# kept by the team\n") and "127.0.0.1:9000:9000" in compose
    assert "EXPOSE 9000" in (svc / "Dockerfile").read_text()
    assert yaml.safe_load((svc / ".dockseal.yml").read_text())["answers"]["port"] == 9000
    assert dockseal("check", str(svc)).returncode == 1  # the edit is drift from the standard


def test_conflict_markers_listed_exit_1_and_dry_run_writes_nothing(tmp_path):
    svc = new_service(tmp_path / "svc")
    dockerfile = svc / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8000", "EXPOSE 8000\n# our note"))
    before = {p: p.read_bytes() for p in svc.rglob("*") if p.is_file()}
    dry = dockseal("update", str(svc), "--set", "port=9000", "--dry-run")
    assert dry.returncode == 1 and "+EXPOSE 9000" in dry.stdout and "Dockerfile" in dry.stderr
    assert before == {p: p.read_bytes() for p in svc.rglob("*") if p.is_file()}
    proc = dockseal("update", str(svc), "--set", "port=9000")
    assert proc.returncode == 1 and "conflicts" in proc.stderr and "Dockerfile" in proc.stderr
    text = dockerfile.read_text()
    for marker in ("<<<<<<< Dockerfile (yours)", "||||||| Dockerfile (previous render)", "=======",
                   ">>>>>>> Dockerfile (new render)", "# our note", "EXPOSE 9000"):
        assert marker in text


def test_deleted_stays_deleted_and_switched_off_outputs_go(tmp_path):
    svc = new_service(tmp_path / "svc")
    (svc / "SECURITY.md").unlink()
    (svc / "k8s/base/service.yaml").write_text("# my own service\n")
    proc = dockseal("update", str(svc), "--set", "kubernetes=false")
    assert proc.returncode == 0, proc.stderr
    assert not (svc / "SECURITY.md").exists() and "stays deleted" in proc.stderr
    assert not (svc / "k8s/base/deployment.yaml").exists()
    assert (svc / "k8s/base/service.yaml").read_text() == "# my own service\n"


def test_old_record_loads_with_messages(tmp_path):
    svc = new_service(tmp_path / "svc")
    record = svc / ".dockseal.yml"
    data = yaml.safe_load(record.read_text())
    data.pop("record_version")
    data.pop("rendered")
    data["template"] = "builtin"  # layout 1
    del data["answers"]["hpa"]  # a key that an older version did not ask
    record.write_text(yaml.safe_dump(data))
    proc = dockseal("update", str(svc))
    assert proc.returncode == 0, proc.stderr
    assert "record layout 1 -> 2" in proc.stderr and "new answer keys take their defaults: hpa" in proc.stderr
    new = yaml.safe_load(record.read_text())
    assert new["record_version"] == 2 and new["template"]["source"] == "builtin" and new["answers"]["hpa"] is False
    assert dockseal("check", str(svc)).returncode == 0


def test_renamed_answer_migrates(tmp_path):
    from generator import record

    svc = new_service(tmp_path / "svc")
    data = yaml.safe_load((svc / ".dockseal.yml").read_text())
    data["record_version"] = 1
    data["answers"]["listen_port"] = data["answers"].pop("port")
    (svc / ".dockseal.yml").write_text(yaml.safe_dump(data))
    steps = tmp_path / "migrations.yml"
    steps.write_text(yaml.safe_dump({"steps": [{"to": 2, "message": "m", "rename_answers": {"listen_port": "port"},
                                                "template_string_to_mapping": True}]}))
    rec = record.load(svc, steps)
    assert rec.answers["port"] == 8000 and any("`listen_port` is now called `port`" in m for m in rec.messages)


def test_git_template_update_uses_the_recorded_commit_as_base(tmp_path):
    need("git")
    env = git_env(tmp_path)
    repo = team_template(tmp_path / "team")

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env=env)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "v1")
    url = f"file://{repo}"
    svc = tmp_path / "svc"
    proc = dockseal("new", "--no-input", "--template", url, "--set", "stack=python", str(svc))
    assert proc.returncode == 0, proc.stderr
    recorded = yaml.safe_load((svc / ".dockseal.yml").read_text())["template"]
    assert recorded["source"] == url and len(recorded["version"]) == 40
    with (svc / "Dockerfile").open("a") as fh:
        fh.write("# local addition\n")
    dockerfile = repo / "{{cookiecutter.service_name}}" / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("FROM", "# team v2\nFROM"))
    git("commit", "-qam", "v2")
    proc = dockseal("update", str(svc))
    assert proc.returncode == 0, proc.stderr
    text = (svc / "Dockerfile").read_text()
    assert text.startswith("# team v2\nFROM") and text.endswith("# local addition\n")
    assert yaml.safe_load((svc / ".dockseal.yml").read_text())["template"]["version"] != recorded["version"]


def test_a_team_templates_own_jinja_extension_needs_trust(tmp_path):
    team = team_template(tmp_path / "team")
    spec = json.loads((team / "cookiecutter.json").read_text())
    spec["_extensions"].append("teamext.Ext")
    (team / "cookiecutter.json").write_text(json.dumps(spec))
    (team / "teamext.py").write_text("import pathlib\npathlib.Path(__file__).with_name('ran').write_text('x')\n"
                                     "from jinja2.ext import Extension\nclass Ext(Extension):\n    pass\n")
    svc = tmp_path / "svc"
    proc = dockseal("new", "--no-input", "--template", str(team), "--set", "stack=python", str(svc))
    assert proc.returncode == 2 and "teamext.Ext" in proc.stderr and "--trust" in proc.stderr
    assert not (team / "ran").exists() and not svc.exists()


def test_update_never_removes_through_a_symlinked_folder(tmp_path):
    svc = tmp_path / "svc"
    assert dockseal("new", "--no-input", "--set", "stack=python", str(svc)).returncode == 0
    shared = tmp_path / "shared-k8s"
    (svc / "k8s").rename(shared)
    (svc / "k8s").symlink_to(shared)
    before = sorted(p.name for p in shared.rglob("*"))
    proc = dockseal("update", "--set", "kubernetes=false", str(svc))
    assert proc.returncode == 2 and "outside" in proc.stderr
    assert sorted(p.name for p in shared.rglob("*")) == before


def test_team_template_hooks_need_trust(tmp_path):
    team = team_template(tmp_path / "team", hooks=True)
    svc = tmp_path / "svc"
    proc = dockseal("new", "--no-input", "--template", str(team), "--set", "stack=python", str(svc))
    assert proc.returncode == 2 and "--trust" in proc.stderr and not svc.exists()
    proc = dockseal("new", "--no-input", "--template", str(team), "--trust", "--set", "stack=python", str(svc))
    assert proc.returncode == 0, proc.stderr
    assert (svc / "hook-ran").read_text() == "yes"
    assert dockseal("check", str(svc)).returncode == 2
    assert dockseal("check", "--trust", str(svc)).returncode == 0


def test_update_keeps_registry_pins_newer_than_the_catalog_and_refreshes_stale_ones(tmp_path):
    """`dockseal pin` may have seen a digest current after the catalog was made: update keeps it. A pin seen
    before the catalog's observation is stale: update takes the catalog's. check agrees before and after."""
    from generator.record import with_pinned_on

    svc = new_service(tmp_path / "svc")
    record = svc / ".dockseal.yml"
    data = yaml.safe_load(record.read_text())
    catalog_digest = {role: ref.split("@")[1] for role, ref in data["images"].items()}
    newer, older = f"sha256:{'1' * 64}", f"sha256:{'2' * 64}"
    for path in (svc / "Dockerfile", record):
        path.write_text(path.read_text().replace(catalog_digest["builder"], newer)
                        .replace(catalog_digest["runtime"], older))
    record.write_text(with_pinned_on(record.read_text(), {"builder": "2099-01-01", "runtime": "2000-01-01"}))
    proc = dockseal("check", str(svc), "--format", "json")
    stale = [f for f in yaml.safe_load(proc.stdout)["findings"] if f["rule"] == "stale-pin" and f["level"] == "error"]
    assert proc.returncode == 1 and len(stale) == 1 and "runtime" in stale[0]["message"], proc.stdout
    proc = dockseal("update", str(svc))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    dockerfile = (svc / "Dockerfile").read_text()
    assert newer in dockerfile and older not in dockerfile and catalog_digest["runtime"] in dockerfile
    data = yaml.safe_load(record.read_text())
    assert data["pinned_on"]["builder"] == "2099-01-01" and data["pinned_on"]["runtime"] != "2000-01-01"
    assert dockseal("check", str(svc)).returncode == 0


def test_pinned_on_keys_are_quoted_when_they_are_not_plain_names():
    from generator.record import with_pinned_on

    text = with_pinned_on("answers: {service_name: demo}\nimages:\n  'build #1': python:3.12\n  runtime: x\n",
                          {"build #1": "2026-11-29", "runtime": "2026-11-28"})
    assert yaml.safe_load(text)["pinned_on"] == {"build #1": "2026-11-29", "runtime": "2026-11-28"}
    assert "\n  runtime: '2026-11-28'\n" in text


def test_the_teams_policy_in_the_record_survives_an_update(tmp_path):
    svc = new_service(tmp_path / "svc")
    with (svc / ".dockseal.yml").open("a") as fh:
        fh.write("policy:\n  allowed_registries: [ghcr.io/acme/]  # ours only\n")
    before = dockseal("check", str(svc))
    assert before.returncode == 1 and "policy/registry" in before.stdout
    assert dockseal("update", "--set", "port=9000", str(svc)).returncode == 0
    assert "  allowed_registries: [ghcr.io/acme/]  # ours only\n" in (svc / ".dockseal.yml").read_text()
    after = dockseal("check", str(svc))
    assert after.returncode == 1 and "policy/registry" in after.stdout


def test_the_record_is_renamed_into_place_last(tmp_path):
    from generator import update

    svc = new_service(tmp_path / "svc")
    changes = [c for c in update.plan(svc, {"port": 9000}).changes if c.status != "unchanged"]
    assert len(changes) > 1 and changes[-1].path == ".dockseal.yml"


def test_outputs_turned_off_can_be_turned_on_again(tmp_path):
    svc = new_service(tmp_path / "svc", "kubernetes=false", "compose=false")
    assert not (svc / "compose.yaml").exists()
    proc = dockseal("update", "--set", "kubernetes=true", "--set", "compose=true", str(svc))
    assert proc.returncode == 0, proc.stderr
    assert (svc / "compose.yaml").is_file() and (svc / "k8s").is_dir()
    assert dockseal("check", str(svc)).returncode == 0


def test_update_to_other_bases_keeps_to_the_allow_list(tmp_path):
    svc = new_service(tmp_path / "svc", "base_flavour=slim")
    (svc / "pyproject.toml").write_text('[tool.dockseal.policy]\nallowed_registries = ["docker.io/library/python"]\n')
    before = (svc / "Dockerfile").read_bytes()
    proc = dockseal("update", "--set", "base_flavour=distroless", str(svc))
    assert proc.returncode == 2 and "gcr.io/distroless" in proc.stderr
    assert (svc / "Dockerfile").read_bytes() == before


def test_update_adds_files_the_template_now_makes_and_removes_untouched_ones_it_stopped_making(tmp_path):
    """As after a template upgrade: SECURITY.md is new to the service (no recorded hash), legacy.txt and
    kept.txt were made by the old template (hashes recorded) and it makes them no more."""
    from generator.seal import file_hash

    svc = new_service(tmp_path / "svc")
    record = svc / ".dockseal.yml"
    lines = [line for line in record.read_text().splitlines(keepends=True) if "    SECURITY.md: " not in line]
    (svc / "SECURITY.md").unlink()
    old = b"made by the old template\n"
    (svc / "legacy.txt").write_bytes(old)
    (svc / "kept.txt").write_bytes(b"edited here\n")
    at = lines.index("  files:\n") + 1
    lines[at:at] = [f"    kept.txt: {file_hash(old)}\n", f"    legacy.txt: {file_hash(old)}\n"]
    record.write_text("".join(lines))
    proc = dockseal("update", str(svc))
    assert proc.returncode == 0, proc.stderr
    assert (svc / "SECURITY.md").is_file() and not (svc / "legacy.txt").exists()
    assert (svc / "kept.txt").read_bytes() == b"edited here\n" and "kept because you edited it" in proc.stdout + proc.stderr
