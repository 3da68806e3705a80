"""`dockseal pin` end to end against real registries on loopback: Debian's docker-registry (plain and htpasswd),
images pushed with skopeo, and a bearer-token front (tests/registry_fixtures.py) that also injects faults."""

from __future__ import annotations

import base64
import datetime
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator import catalog
from generator.cli import main
from registry_fixtures import Faults, Registry, TokenFront, TokenIssuer, make_image, push, skopeo_digest

IMAGES = {  # repository path in the registry -> tag
    "library/python": "3.12-slim-bookworm",
    "library/node": "22-bookworm-slim",
    "library/busybox": "1.36",
    "library/postgres": "16",
    "distroless/static-debian12": "nonroot",
    "acme/base": "1.0",
}
CATALOG_PY = catalog.load().images["docker.io/library/python:3.12-slim-bookworm"].ref.digest


@pytest.fixture(autouse=True)
def no_user_credentials(tmp_path, monkeypatch):
    """Never read the machine's own auth files or credential variables."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in ("XDG_RUNTIME_DIR", "REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "DOCKER_AUTH_CONFIG",
                "DOCKSEAL_REGISTRY_USER", "DOCKSEAL_REGISTRY_PASSWORD", "DOCKSEAL_REGISTRY_HOST", "DOCKSEAL_CONFIG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    base = tmp_path_factory.mktemp("images")
    return {repo: make_image(base / repo.replace("/", "_"), tag, content=repo) for repo, tag in IMAGES.items()}


@pytest.fixture(scope="module")
def plain(tmp_path_factory, layouts):
    """One anonymous registry holding every test image."""
    with Registry(tmp_path_factory.mktemp("plain")) as reg:
        for repo, layout in layouts.items():
            push(layout, f"{reg.host}/{repo}:{layout.tag}")
        yield reg


@pytest.fixture(scope="module")
def secured(tmp_path_factory, layouts):
    """A registry with htpasswd basic auth."""
    with Registry(tmp_path_factory.mktemp("basic"), users={"alice": "wonderland"}) as reg:
        push(layouts["library/python"], f"{reg.host}/library/python:3.12-slim-bookworm", reg.creds)
        yield reg


def mirror_args(host: str) -> list[str]:
    return ["--mirror", f"docker.io={host}", "--mirror", f"gcr.io={host}", "--mirror", f"ghcr.io={host}"]


def digest(layouts, repo: str) -> str:
    return layouts[repo].digest


# ---------------------------------------------------------------------------------------- the full tree
DOCKERFILE = """\
# syntax=docker/dockerfile:1
ARG BASE=python:3.12-slim-bookworm{py}
FROM ${{BASE}} AS build
RUN echo building \\
 && echo "FROM node:22-bookworm-slim is only text here"
FROM --platform=$BUILDPLATFORM docker.io/library/node:22-bookworm-slim{node} AS assets
COPY --from=busybox:1.36{busybox} /bin/busybox /busybox
# FROM postgres:16 in a comment stays as it is
FROM gcr.io/distroless/static-debian12:nonroot{static}
COPY --from=build /app /app
COPY --from=assets /x /x
USER 65532:65532
"""
COMPOSE = """\
services:
  db:
    image: postgres:16{postgres}  # the database
  cache:
    image: "busybox:1.36{busybox}"
  app:
    image: ${{APP_IMAGE:-ghcr.io/acme/svc:0.1.0}}
  tool:
    image: ${{TOOL_IMAGE:-python:3.12-slim-bookworm{py}}}
"""
K8S = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: 'busybox:1.36{busybox}'
      containers:
        - name: app
          image: ghcr.io/acme/svc:0.1.0
        - name: sidecar
          image: docker.io/library/python:3.12-slim-bookworm{py}
---
apiVersion: batch/v1
kind: CronJob
metadata: {{name: job}}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{{name: job, image: "node:22-bookworm-slim{node}"}}]
"""
KUSTOMIZATION = """\
resources: [app.yaml]
images:
  - name: postgres
    newTag: "16"  # pinned below by dockseal{postgres_k}
  - {{name: node, newTag: 22-bookworm-slim{node_k}}}
  - name: ghcr.io/acme/svc
    newTag: 0.1.0
"""
RECORD = """\
dockseal_version: 0.1.0
answers:
  image_repository: ghcr.io/acme/svc
images:
  builder: docker.io/library/python:3.12-slim-bookworm@{record_py}
  runtime: gcr.io/distroless/static-debian12:nonroot{static}
"""
FILES = {"Dockerfile": DOCKERFILE, "compose.yaml": COMPOSE, "k8s/app.yaml": K8S,
         "k8s/kustomization.yaml": KUSTOMIZATION, ".dockseal.yml": RECORD}


def write_tree(root: Path, values: dict[str, str]) -> dict[str, bytes]:
    out = {}
    for rel, template in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        data = template.format(**values).encode()
        (root / rel).write_bytes(data)
        out[rel] = data
    return out


def unpinned_values() -> dict[str, str]:
    keys = ("py", "node", "busybox", "postgres", "static", "postgres_k", "node_k")
    return {**{k: "" for k in keys}, "record_py": CATALOG_PY}


def pinned_values(layouts) -> dict[str, str]:
    at = {k: "@" + digest(layouts, f"library/{k}") for k in ("python", "node", "busybox", "postgres")}
    return {"py": at["python"], "node": at["node"], "busybox": at["busybox"], "postgres": at["postgres"],
            "static": "@" + digest(layouts, "distroless/static-debian12"),
            "postgres_k": "\n    digest: " + digest(layouts, "library/postgres"),
            "node_k": ", digest: " + digest(layouts, "library/node"), "record_py": digest(layouts, "library/python")}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_registry_serves_the_index_digest_skopeo_sees(plain, layouts):
    ref = f"{plain.host}/library/python:3.12-slim-bookworm"
    assert skopeo_digest(ref) == digest(layouts, "library/python")


def test_pin_rewrites_only_the_references_in_every_kind_of_file(tmp_path, plain, layouts, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = write_tree(tmp_path, unpinned_values())
    assert main(["pin", "--check", *mirror_args(plain.host)]) == 1
    out = capsys.readouterr().out
    assert "unpinned  Dockerfile:2  python:3.12-slim-bookworm" in out
    assert "stale     .dockseal.yml:5" in out and "unpinned  k8s/kustomization.yaml:4  postgres:16" in out
    assert "own image" in out
    assert snapshot(tmp_path) == before  # --check writes nothing

    assert main(["pin", *mirror_args(plain.host)]) == 0
    out = capsys.readouterr().out
    expected = {rel: template.format(**pinned_values(layouts)).encode() for rel, template in FILES.items()}
    today = datetime.date.today().isoformat()  # the record says when each digest was seen current
    expected[".dockseal.yml"] += f"pinned_on:\n  builder: '{today}'\n  runtime: '{today}'\n".encode()
    assert snapshot(tmp_path) == expected
    assert "wrote Dockerfile" in out and "wrote k8s/kustomization.yaml" in out

    assert main(["pin", "--check", "--format", "json", *mirror_args(plain.host)]) == 0
    report = json.loads(capsys.readouterr().out)
    statuses = {(r["file"], r["line"]): r["status"] for r in report["references"]}
    assert statuses[("Dockerfile", 2)] == "pinned" and statuses[("compose.yaml", 7)] == "skipped"
    assert report["ok"] is True


def test_pin_of_named_files_updates_their_record_too(tmp_path, plain, layouts, capsys):
    write_tree(tmp_path, unpinned_values())
    assert main(["pin", str(tmp_path / "Dockerfile"), *mirror_args(plain.host)]) == 0
    capsys.readouterr()
    record = (tmp_path / ".dockseal.yml").read_text()
    assert digest(layouts, "library/python") in record and CATALOG_PY not in record
    assert (tmp_path / "compose.yaml").read_text() == COMPOSE.format(**unpinned_values())


def test_a_tag_moved_in_the_registry_is_reported_stale(tmp_path, tmp_path_factory, capsys):
    layout_old = make_image(tmp_path / "old", "1.0", content="old")
    layout_new = make_image(tmp_path / "new", "1.0", content="new")
    with Registry(tmp_path_factory.mktemp("moving")) as reg:
        push(layout_old, f"{reg.host}/library/busybox:1.0")
        (tmp_path / "Dockerfile").write_text(f"FROM busybox:1.0@{layout_old.digest}\n")
        assert main(["pin", "--check", "--mirror", f"docker.io={reg.host}", str(tmp_path)]) == 0
        push(layout_new, f"{reg.host}/library/busybox:1.0")
        capsys.readouterr()
        assert main(["pin", "--check", "--mirror", f"docker.io={reg.host}", str(tmp_path)]) == 1
        assert f"the tag now points at {layout_new.digest}" in capsys.readouterr().out
        assert main(["pin", "--mirror", f"docker.io={reg.host}", str(tmp_path)]) == 0
    assert (tmp_path / "Dockerfile").read_text() == f"FROM busybox:1.0@{layout_new.digest}\n"


# ------------------------------------------------------------------------------------------------ auth
def auth_file(path: Path, host: str, user: str, password: str) -> Path:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"auths": {host: {"auth": token}}}))
    return path


def dockerfile(tmp_path: Path) -> bytes:
    data = b"FROM python:3.12-slim-bookworm\nUSER 65532:65532\n"
    (tmp_path / "Dockerfile").write_bytes(data)
    return data


def test_basic_auth_with_a_podman_auth_file(tmp_path, secured, layouts, monkeypatch, capsys):
    monkeypatch.setenv("REGISTRY_AUTH_FILE", str(auth_file(tmp_path / "auth.json", secured.host, "alice", "wonderland")))
    dockerfile(tmp_path)
    assert main(["pin", "--mirror", f"docker.io={secured.host}", str(tmp_path)]) == 0
    assert digest(layouts, "library/python") in (tmp_path / "Dockerfile").read_text()


def test_basic_auth_without_or_with_wrong_credentials_exits_2(tmp_path, secured, monkeypatch, capsys):
    data = dockerfile(tmp_path)
    assert main(["pin", "--mirror", f"docker.io={secured.host}", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "python:3.12-slim-bookworm" in err and "requires a login" in err
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    auth_file(tmp_path / "run" / "containers" / "auth.json", secured.host, "alice", "wrong")
    assert main(["pin", "--mirror", f"docker.io={secured.host}", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "docker.io/library/python:3.12-slim-bookworm" in err and "refused the credentials" in err
    assert (tmp_path / "Dockerfile").read_bytes() == data


def test_bearer_token_flow_with_docker_config_credentials(tmp_path, plain, layouts, monkeypatch, capsys):
    with TokenFront(plain, users={"bob": "builder"}) as front:
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
        auth_file(tmp_path / "docker" / "config.json", front.host, "bob", "builder")
        dockerfile(tmp_path)
        assert main(["pin", "--mirror", f"docker.io={front.host}", str(tmp_path)]) == 0
        token_requests = [s for s in front.seen if s["path"].startswith("/token")]
        manifests = [s for s in front.seen if "/manifests/" in s["path"]]
    assert token_requests and "scope=repository%3Alibrary%2Fpython%3Apull" in token_requests[0]["path"]
    assert token_requests[0]["authorization"].startswith("Basic ")
    assert manifests[-1]["authorization"].startswith("Bearer ")
    assert manifests[-1]["accept"] == ("application/vnd.oci.image.index.v1+json, "
                                       "application/vnd.oci.image.manifest.v1+json, "
                                       "application/vnd.docker.distribution.manifest.list.v2+json, "
                                       "application/vnd.docker.distribution.manifest.v2+json")
    assert digest(layouts, "library/python") in (tmp_path / "Dockerfile").read_text()


def test_anonymous_bearer_token_and_environment_credentials(tmp_path, plain, layouts, monkeypatch, capsys):
    with TokenFront(plain, anonymous=True) as front:
        dockerfile(tmp_path)
        assert main(["pin", "--mirror", f"docker.io={front.host}", str(tmp_path)]) == 0
        assert "authorization" not in next(s for s in front.seen if s["path"].startswith("/token"))
    with TokenFront(plain, users={"ci": "t0ken"}) as front:
        monkeypatch.setenv("DOCKSEAL_REGISTRY_USER", "ci")
        monkeypatch.setenv("DOCKSEAL_REGISTRY_PASSWORD", "t0ken")
        monkeypatch.setenv("DOCKSEAL_REGISTRY_HOST", front.host)
        dockerfile(tmp_path)
        assert main(["pin", "--mirror", f"docker.io={front.host}", str(tmp_path)]) == 0


def test_bearer_token_with_bad_credentials_exits_2(tmp_path, plain, monkeypatch, capsys):
    with TokenFront(plain, users={"bob": "builder"}) as front:
        monkeypatch.setenv("REGISTRY_AUTH_FILE", str(auth_file(tmp_path / "a.json", front.host, "bob", "nope")))
        data = dockerfile(tmp_path)
        assert main(["pin", "--mirror", f"docker.io={front.host}", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "python:3.12-slim-bookworm" in err and "token service" in err and "refused the credentials" in err
    assert (tmp_path / "Dockerfile").read_bytes() == data


def test_the_registry_s_own_token_auth_with_jwts_it_verifies(tmp_path, plain, layouts, monkeypatch, capsys):
    """docker-registry in `auth: token` mode sends the challenge and checks our issuer's signed JWTs."""
    monkeypatch.setenv("DOCKSEAL_REGISTRY_USER", "bob")
    monkeypatch.setenv("DOCKSEAL_REGISTRY_PASSWORD", "builder")
    with TokenIssuer(tmp_path / "issuer", users={"bob": "builder"}) as issuer:
        with Registry(tmp_path / "reg", storage=plain.storage, token=issuer) as reg:
            monkeypatch.setenv("DOCKSEAL_REGISTRY_HOST", reg.host)
            dockerfile(tmp_path)
            assert main(["pin", "--mirror", f"docker.io={reg.host}", str(tmp_path)]) == 0
            assert digest(layouts, "library/python") in (tmp_path / "Dockerfile").read_text()
            issuer.grant = False  # a valid token without the pull scope
            data = dockerfile(tmp_path)
            assert main(["pin", "--mirror", f"docker.io={reg.host}", str(tmp_path)]) == 2
            assert (tmp_path / "Dockerfile").read_bytes() == data
    assert "python:3.12-slim-bookworm" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- faults
def _fault(tmp_path: Path, args: list[str], capsys) -> str:
    before = write_tree(tmp_path, unpinned_values())
    assert main(["pin", *args, str(tmp_path)]) == 2
    assert snapshot(tmp_path) == before, "a failed pin must not modify any file"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dockseal: error: ")
    return err


def test_registry_down(tmp_path, tmp_path_factory, capsys):
    with Registry(tmp_path_factory.mktemp("down")) as reg:
        host = reg.host
    err = _fault(tmp_path, ["--mirror", f"docker.io={host}", "--mirror", f"gcr.io={host}"], capsys)
    assert "python:3.12-slim-bookworm" in err and "cannot reach the registry" in err


def test_unknown_tag_is_a_404(tmp_path, plain, capsys):
    err = _fault(tmp_path, ["--mirror", f"docker.io={plain.host}/nothing-here"], capsys)
    assert "not found" in err and "404" in err and "python:3.12-slim-bookworm" in err


def test_slow_registry_times_out(tmp_path, plain, capsys):
    with TokenFront(plain, anonymous=True, faults=Faults(delay=3.0)) as front:
        err = _fault(tmp_path, ["--timeout", "0.5", *mirror_args(front.host)], capsys)
    assert "timeout" in err and "python:3.12-slim-bookworm" in err


class _Hostile(BaseHTTPRequestHandler):
    """A registry that answers every request in one hostile way, named by the server's `mode`."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        mode = self.server.mode  # type: ignore[attr-defined]
        if mode == "forged":
            body = json.dumps({"errors": [{"code": "X\ndockseal: every reference is pinned and current"}]}).encode()
            self.send_response(404)
        else:
            body = {"drip": b"{" * 200, "gzip": b"not gzip at all", "big": b" " * (5 * 1024 * 1024)}[mode]
            self.send_response(200)
            self.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
            if mode == "gzip":
                self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            for i in range(0, len(body), 1 if mode == "drip" else 65536):
                self.wfile.write(body[i:i + (1 if mode == "drip" else 65536)])
                self.wfile.flush()
                if mode == "drip":
                    time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.mark.parametrize("mode,expect", [("drip", "did not answer within 1s (timeout)"),
                                         ("gzip", "cannot be read"), ("big", "more than 4 MiB"),
                                         ("forged", "(404 Not Found)")])
def test_hostile_registry_answers_are_faults(tmp_path, capsys, mode, expect):
    """A body dripped a byte at a time is bounded by --timeout in all, an oversized one is refused while it
    arrives, an undecodable one is a registry fault (exit 2, not 3), and an error text never reaches the output."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.mode = mode  # type: ignore[attr-defined]
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        start = time.monotonic()
        err = _fault(tmp_path, ["--timeout", "1", *mirror_args(f"127.0.0.1:{server.server_port}")], capsys)
        assert time.monotonic() - start < 15
    finally:
        server.shutdown()
    assert expect in err and "every reference" not in err


def test_digest_header_not_matching_the_body(tmp_path, plain, capsys):
    with TokenFront(plain, anonymous=True, faults=Faults(wrong_digest=True)) as front:
        err = _fault(tmp_path, mirror_args(front.host), capsys)
    assert "does not match the manifest" in err and "python:3.12-slim-bookworm" in err


def test_server_errors_are_retried_then_reported(tmp_path, plain, layouts, capsys):
    with TokenFront(plain, anonymous=True, faults=Faults(fail_status=429, fail_count=2, retry_after="0")) as front:
        dockerfile(tmp_path)
        assert main(["pin", "--mirror", f"docker.io={front.host}", str(tmp_path)]) == 0
    assert digest(layouts, "library/python") in (tmp_path / "Dockerfile").read_text()
    with TokenFront(plain, anonymous=True, faults=Faults(fail_status=503, fail_count=99, retry_after="0")) as front:
        err = _fault(tmp_path, mirror_args(front.host), capsys)
    assert "kept answering 503 after 3 attempts" in err


# ---------------------------------------------------------------------------------------------- policy
def test_policy_in_the_record_refuses_registries_outside_the_allow_list(tmp_path, plain, capsys):
    data = dockerfile(tmp_path)
    (tmp_path / ".dockseal.yml").write_text("policy:\n  allowed_registries: [gcr.io/distroless/]\n")
    assert main(["pin", "--mirror", f"docker.io={plain.host}", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "untrusted image: docker.io/library/python:3.12-slim-bookworm" in err and ".dockseal.yml" in err
    assert (tmp_path / "Dockerfile").read_bytes() == data


def test_pyproject_policy_and_mirrors_allow_a_team_registry(tmp_path, plain, layouts, capsys):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.dockseal.policy]\nallowed_registries = ["ghcr.io/acme", "docker.io/library/"]\n'
        f'[tool.dockseal.registries]\nmirrors = {{ "ghcr.io" = "{plain.host}" }}\n')
    (tmp_path / "Dockerfile").write_text("FROM ghcr.io/acme/base:1.0\n")
    assert main(["pin", str(tmp_path)]) == 0
    assert (tmp_path / "Dockerfile").read_text() == f"FROM ghcr.io/acme/base:1.0@{digest(layouts, 'acme/base')}\n"
    (tmp_path / "Dockerfile").write_text("FROM ghcr.io/acme-evil/base:1.0\n")
    assert main(["pin", str(tmp_path)]) == 2
    assert "ghcr.io/acme-evil/base:1.0" in capsys.readouterr().err


# ------------------------------------------------------------------------- a generated service, end to end
def test_new_then_pin_through_a_loopback_mirror_of_the_catalog_repositories(tmp_path, tmp_path_factory, capsys,
                                                                            monkeypatch):
    """`dockseal new` writes catalog pins; `dockseal pin` against a mirror refreshes the Dockerfile and the
    record together (and the base digest label), changes nothing else, passes hadolint and shows no drift."""
    from checkers import hadolint

    service = tmp_path / "svc"
    assert main(["new", "--no-input", "--set", "stack=python", "--set", "stack_version=3.11",
                 "--set", "base_flavour=distroless", str(service)]) == 0
    before = snapshot(service)
    builder = make_image(tmp_path / "b", "3.11-slim-bookworm", content="builder")
    runtime = make_image(tmp_path / "r", "nonroot", content="runtime")
    with Registry(tmp_path_factory.mktemp("mirror")) as reg:
        push(builder, f"{reg.host}/library/python:3.11-slim-bookworm")
        push(runtime, f"{reg.host}/distroless/python3-debian12:nonroot")
        capsys.readouterr()
        mirrors = ["--mirror", f"docker.io/library={reg.host}/library", "--mirror", f"gcr.io={reg.host}"]
        assert main(["pin", "--check", *mirrors, str(service)]) == 1
        assert main(["pin", *mirrors, str(service)]) == 0
        assert main(["pin", "--check", *mirrors, str(service)]) == 0
    after = snapshot(service)
    changed = {rel for rel in before if before[rel] != after[rel]}
    assert changed == {"Dockerfile", ".dockseal.yml"}
    cat = catalog.load().images
    old_builder = cat["docker.io/library/python:3.11-slim-bookworm"].ref.digest
    old_runtime = cat["gcr.io/distroless/python3-debian12:nonroot"].ref.digest
    for rel in changed:
        expected = before[rel].decode().replace(old_builder, builder.digest).replace(old_runtime, runtime.digest)
        if rel == ".dockseal.yml":  # and the dates the new digests were seen current
            today = datetime.date.today().isoformat()
            expected = re.sub(r"(?m)^(  (builder|runtime): )'\d{4}-\d\d-\d\d'$", rf"\g<1>'{today}'", expected)
        assert after[rel].decode() == expected
    assert hadolint(service / "Dockerfile") == ""
    monkeypatch.chdir(service)
    capsys.readouterr()
    assert main(["check", "."]) == 0
    report = capsys.readouterr().out
    assert "1 service(s) checked" in report and "[drift]" not in report and "[missing-file]" not in report, report
    assert "[pin-differs]" in report  # registry digests newer than the catalog's are reported, not failed
