"""Registry client pieces that need no server: endpoints and mirrors, credential sources, challenges."""

from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from generator import refs, registry
from generator.errors import InputError


def test_endpoints_docker_hub_loopback_and_mirrors():
    hub = registry.endpoint(refs.parse("python:3.12"))
    assert hub.manifest_url("3.12") == "https://registry-1.docker.io/v2/library/python/manifests/3.12"
    local = registry.endpoint(refs.parse("127.0.0.1:5000/team/app:1"))
    assert local.base_url == "http://127.0.0.1:5000"
    assert registry.endpoint(refs.parse("localhost:5000/app:1")).scheme == "http"
    mirrors = registry.parse_mirrors({"docker.io": "mirror.example:5000", "docker.io/library": "127.0.0.1:9/hub"})
    assert registry.endpoint(refs.parse("python:3.12"), mirrors).manifest_url("3.12") == \
        "http://127.0.0.1:9/v2/hub/python/manifests/3.12"
    assert registry.endpoint(refs.parse("bitnami/redis:7"), mirrors).base_url == "https://mirror.example:5000"
    assert registry.endpoint(refs.parse("gcr.io/distroless/static:1"), mirrors).host == "gcr.io"
    tls = registry.parse_mirrors({"docker.io": "https://127.0.0.1:5000"})
    assert registry.endpoint(refs.parse("python:3"), tls).scheme == "https"


@pytest.mark.parametrize("prefix,target", [("docker.io", "http://mirror.example"), ("Docker.IO", "m.example"),
                                           ("docker.io", "m.example/$(id)"), ("docker.io", "m.example\nx")])
def test_bad_mirrors_are_refused(prefix, target):
    with pytest.raises(InputError):
        registry.parse_mirrors({prefix: target})


def test_loopback_detection():
    assert registry.is_loopback("127.0.0.1") and registry.is_loopback("127.9.9.9") and registry.is_loopback("[::1]")
    assert registry.is_loopback("localhost")
    assert not registry.is_loopback("10.0.0.1") and not registry.is_loopback("localhost.example.com")


def test_challenge_parsing():
    scheme, params = registry.parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"')
    assert scheme == "bearer" and params["scope"] == "repository:a/b:pull,push"
    assert registry.parse_challenge('Basic realm="r"') == ("basic", {"realm": "r"})


def _auth(user, password):
    return {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_credentials_from_files_in_podman_order(tmp_path, monkeypatch):
    for var in ("REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "DOCKER_CONFIG", "DOCKER_AUTH_CONFIG",
                "DOCKSEAL_REGISTRY_USER", "DOCKSEAL_REGISTRY_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".docker").mkdir()
    (tmp_path / ".docker" / "config.json").write_text(json.dumps({"auths": {
        "https://index.docker.io/v1/": _auth("hub", "1"), "ghcr.io": {"username": "gh", "password": "2"}}}))
    (tmp_path / "run" / "containers").mkdir(parents=True)
    (tmp_path / "run" / "containers" / "auth.json").write_text(json.dumps({"auths": {
        "ghcr.io/acme": _auth("acme", "3")}}))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    creds = registry.Credentials.from_environment()
    assert creds.lookup("registry-1.docker.io", "library/python") == ("hub", "1")
    assert creds.lookup("ghcr.io", "acme/app") == ("acme", "3")  # the more specific, podman-style entry
    assert creds.lookup("ghcr.io", "other/app") == ("gh", "2")
    assert creds.lookup("quay.io", "x/y") is None


def test_environment_credentials_need_their_host(monkeypatch):
    creds = registry.Credentials(env={"DOCKSEAL_REGISTRY_USER": "u", "DOCKSEAL_REGISTRY_PASSWORD": "p"})
    with pytest.raises(InputError, match="DOCKSEAL_REGISTRY_HOST"):
        creds.lookup("ghcr.io")
    creds.env["DOCKSEAL_REGISTRY_HOST"] = "ghcr.io"
    assert creds.lookup("ghcr.io") == ("u", "p") and creds.lookup("quay.io") is None


def test_docker_auth_config_variable_and_credential_helper(tmp_path, monkeypatch):
    helper = tmp_path / "docker-credential-fake"
    helper.write_text('#!/bin/sh\nread host\n[ "$host" = "quay.io" ] || exit 1\n'
                      'echo \'{"ServerURL":"quay.io","Username":"robot","Secret":"s"}\'\n')
    helper.chmod(helper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "DOCKER_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DOCKER_AUTH_CONFIG", json.dumps({"auths": {"registry.gitlab.com": _auth("ci", "tok")},
                                                         "credHelpers": {"quay.io": "fake"}}))
    creds = registry.Credentials.from_environment()
    assert creds.lookup("registry.gitlab.com", "g/p") == ("ci", "tok")
    assert creds.lookup("quay.io", "org/img") == ("robot", "s")


def test_broken_auth_file_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(tmp_path / "auth.json"))
    (tmp_path / "auth.json").write_text("{not json")
    with pytest.raises(InputError, match="auth.json: not valid JSON"):
        registry.Credentials.from_environment()
