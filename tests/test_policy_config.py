"""Team policy: allow-list and digest age from .dockseal.yml, pyproject.toml and the organisation config."""

from __future__ import annotations

import datetime as dt

import pytest

from generator import catalog, policy_config
from generator.cli import main
from generator.errors import InputError, PolicyError


@pytest.fixture(autouse=True)
def no_org_config(monkeypatch):
    monkeypatch.delenv("DOCKSEAL_CONFIG", raising=False)


def test_defaults_come_from_the_catalog(tmp_path):
    config = policy_config.load(tmp_path)
    assert "docker.io/library/" in config.allowed_registries and config.max_digest_age_days == 180
    assert config.allows("python:3.12") and config.allows("gcr.io/distroless/static-debian12:nonroot")
    assert not config.allows("ghcr.io/someone/python:3.12")


def test_layers_and_prefix_boundaries(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dockseal.policy]\nallowed_registries = ["ghcr.io/acme"]\nmax_digest_age_days = 30\n')
    service = tmp_path / "svc"
    service.mkdir()
    (service / ".dockseal.yml").write_text("policy:\n  max_digest_age_days: 7\n"
                                           "registries:\n  mirrors: {docker.io: 127.0.0.1:5000}\n  timeout: 2\n")
    config = policy_config.load(service)
    assert config.allowed_registries == ("ghcr.io/acme",) and config.max_digest_age_days == 7
    assert config.mirrors == {"docker.io": "127.0.0.1:5000"} and config.timeout == 2.0
    assert config.allows("ghcr.io/acme/app:1") and not config.allows("ghcr.io/acme-evil/app:1")
    with pytest.raises(PolicyError, match="ghcr.io/acme-evil/app:1 .*svc/.dockseal.yml"):
        config.require_allowed([("Dockerfile:1", "ghcr.io/acme-evil/app:1")])


def test_organisation_config_is_the_lowest_layer(tmp_path, monkeypatch):
    (tmp_path / ".dockseal-org.yml").write_text("policy:\n  allowed_registries: [cgr.dev/chainguard/]\n")
    assert policy_config.load(tmp_path).allowed_registries == ("cgr.dev/chainguard/",)
    (tmp_path / ".dockseal.yml").write_text("policy:\n  allowed_registries: [dhi.io/]\n")
    assert policy_config.load(tmp_path).allowed_registries == ("dhi.io/",)


@pytest.mark.parametrize("text,message", [
    ("policy: {allowed: [x]}\n", "unknown key 'allowed'"),
    ("policy: {allowed_registries: []}\n", "non-empty list"),
    ("policy: {allowed_registries: ['docker.io/$(id)']}\n", "not a registry prefix"),
    ("policy: {max_digest_age_days: yes}\n", "whole number of days"),
    ("registries: {mirrors: {docker.io: 'http://mirror.example'}}\n", "only for loopback"),
    ("registries: {timeout: 0}\n", "between 0.1 and 300"),
    ("policy: [1]\n", "must be a mapping"),
])
def test_invalid_config_names_the_file_and_key(tmp_path, text, message):
    (tmp_path / ".dockseal.yml").write_text(text)
    with pytest.raises(InputError, match=message) as info:
        policy_config.load(tmp_path)
    assert ".dockseal.yml" in str(info.value)


def test_new_refuses_a_base_outside_the_allow_list(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.dockseal.policy]\nallowed_registries = ["gcr.io/distroless/"]\n')
    assert main(["new", "--no-input", "--set", "stack=python", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "untrusted image: docker.io/library/python" in err and "pyproject.toml" in err
    assert not (tmp_path / "Dockerfile").exists()


def test_old_catalog_digests_warn_with_how_to_refresh(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.dockseal.policy]\nmax_digest_age_days = 1\n')
    assert main(["new", "--no-input", "--set", "stack=python", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "digest was observed on" in err and "run `dockseal pin`" in err
    image = catalog.load().images["docker.io/library/python:3.12-slim-bookworm"]
    today = dt.date.fromisoformat(image.observed) + dt.timedelta(days=10)
    assert catalog.age_warnings({"builder": image}, 30, today) == []
    assert catalog.age_warnings({"builder": image}, 5, today)


def test_pin_reads_past_a_byte_order_mark_keeps_it_and_leaves_compose_builds_alone(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_bytes(b"\xef\xbb\xbfFROM python:3.12-slim-bookworm\n")
    (tmp_path / "compose.yaml").write_text("services:\n  app: {build: ., image: 'acme/app:dev'}\n")
    assert main(["pin", "--offline", "--check", str(tmp_path)]) == 1
    assert main(["pin", "--offline", str(tmp_path)]) == 0
    digest = catalog.load().images["docker.io/library/python:3.12-slim-bookworm"].ref.digest
    assert (tmp_path / "Dockerfile").read_bytes() == f"\ufeffFROM python:3.12-slim-bookworm@{digest}\n".encode()
    assert (tmp_path / "compose.yaml").read_text() == "services:\n  app: {build: ., image: 'acme/app:dev'}\n"


def test_pin_offline_uses_the_catalog_and_check_lists_unpinned(tmp_path, capsys):
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim-bookworm AS b\nFROM busybox:1.36\n")
    assert main(["pin", "--offline", str(tmp_path)]) == 2
    assert "busybox:1.36: not in the catalog" in capsys.readouterr().err
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim-bookworm AS b\n# keep me\nFROM b\n")
    assert main(["pin", "--offline", "--check", str(tmp_path)]) == 1
    assert "unpinned" in capsys.readouterr().out
    assert main(["pin", "--offline", str(tmp_path)]) == 0
    digest = catalog.load().images["docker.io/library/python:3.12-slim-bookworm"].ref.digest
    assert (tmp_path / "Dockerfile").read_text() == f"FROM python:3.12-slim-bookworm@{digest} AS b\n# keep me\nFROM b\n"
    assert main(["pin", "--offline", "--check", str(tmp_path)]) == 0


def test_pin_rejects_hostile_references_and_paths(tmp_path, capsys):
    (tmp_path / "compose.yaml").write_text('services:\n  a:\n    image: "python:3.12\\nFROM x"\n')
    assert main(["pin", "--offline", str(tmp_path)]) == 2
    assert "is not a valid image reference" in capsys.readouterr().err
    (tmp_path / "compose.yaml").write_text('services:\n  a:\n    image: "python:3.12\\n$(id)"\n')
    assert main(["pin", "--offline", str(tmp_path)]) == 0
    assert "'python:3.12\\n$(id)'  (set by a variable" in capsys.readouterr().out
    assert main(["pin", "--offline", str(tmp_path / "missing")]) == 2
    assert main(["pin", "--mirror", "docker.io", str(tmp_path)]) == 2
    (tmp_path / "notes.txt").write_text("hello\n")
    assert main(["pin", str(tmp_path / "notes.txt")]) == 2
    assert "not a Dockerfile" in capsys.readouterr().err


def test_the_readme_policy_examples_load(tmp_path, root):
    """The configuration shown in the README is valid as written."""
    import re

    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Team policy"):]
    toml = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    record = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    (tmp_path / "pyproject.toml").write_text(toml)
    config = policy_config.load(tmp_path)
    assert config.allows("ghcr.io/acme/app:1") and config.max_digest_age_days == 90
    assert config.mirrors == {"docker.io": "mirror.example.com:5000"}
    (tmp_path / ".dockseal.yml").write_text(record)
    assert policy_config.load(tmp_path).allowed_registries == ("gcr.io/distroless/",)


def test_pin_offline_json_on_named_files_and_directories(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM node:22-bookworm-slim\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n"
                                               "  - {name: a, image: 'gcr.io/distroless/static-debian12:nonroot'}\n")
    assert main(["pin", "--offline", "--format", "json", "Dockerfile", "k8s/"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["file"], r["status"]) for r in data["references"]] == [("Dockerfile", "updated"),
                                                                      ("k8s/pod.yaml", "updated")]
    assert data["written"] == ["Dockerfile", "k8s/pod.yaml"]


@pytest.mark.parametrize("written,expected", [
    ("github-templates", "{dir}/github-templates"), ("builtin", "builtin"),
    ("git@github.com:acme/t.git", "git@github.com:acme/t.git"), ("https://example.com/t.git", "https://example.com/t.git")])
def test_org_config_template_paths_are_relative_to_the_config_file(tmp_path, written, expected):
    from generator import config

    org = tmp_path / "org.yml"
    org.write_text(f"template: '{written}'\n")
    assert config.load(org).template == expected.format(dir=tmp_path.resolve())


def test_a_digest_only_reference_is_pinned_and_draws_no_tag_warning(tmp_path, capsys):
    digest = catalog.load().images["docker.io/library/python:3.12-slim-bookworm"].ref.digest
    (tmp_path / "Dockerfile").write_text(f"FROM python@{digest}\nFROM python\n")
    main(["pin", "--offline", "--check", str(tmp_path)])
    err = capsys.readouterr().err
    assert err.count("has no tag (implicit latest)") == 1 and "Dockerfile:2:" in err
