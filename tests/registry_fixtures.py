"""Real registries on loopback for the tests: Debian's docker-registry, images pushed with skopeo, and a small
bearer-token front that also injects faults (delay, wrong digest header, 5xx/429 bursts).

Usage (see tests/test_pin_registry.py):

    layout = make_image(tmp / "img", tag="3.12-slim-bookworm")          # OCI layout, multi-arch index
    with Registry(tmp / "reg") as reg:                                   # plain HTTP on 127.0.0.1:<free port>
        push(layout, f"{reg.host}/library/python:3.12-slim-bookworm")    # skopeo copy --all --preserve-digests
        # dockseal pin --mirror docker.io=<reg.host> resolves docker.io/library/python:… from it
    with Registry(tmp / "reg", users={"alice": "s3cret"}) as reg: ...    # htpasswd basic auth
    with TokenFront(reg, users={"bob": "pw"}) as front: ...              # Docker Hub-style bearer flow at front.host
    with TokenIssuer(tmp / "tok", users={"bob": "pw"}) as issuer:        # JWTs the real registry verifies
        with Registry(tmp / "reg", storage=other.storage, token=issuer) as reg: ...

`layout.digest` is the index digest the registry must serve for the tag (skopeo keeps it byte for byte).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import secrets
import socket
import subprocess
import tarfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from conftest import need

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ------------------------------------------------------------------------------------------------ images
@dataclass(frozen=True)
class Layout:
    """An OCI image layout on disk holding one multi-arch index under `tag`."""

    path: Path
    tag: str
    digest: str  # of the index


def _blob(root: Path, data: bytes) -> dict:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def make_image(path: Path, tag: str = "latest", content: str = "hello", platforms: tuple[str, ...] = ("amd64", "arm64")) -> Layout:
    """A tiny multi-arch image (one small file per platform) as an OCI layout: no engine or network needed."""
    path.mkdir(parents=True, exist_ok=True)
    manifests = []
    for arch in platforms:
        tar_bytes = io.BytesIO()
        with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
            data = f"{content} {arch}\n".encode()
            info = tarfile.TarInfo("hello.txt")
            info.size, info.mtime = len(data), 0
            tar.addfile(info, io.BytesIO(data))
        layer_raw = tar_bytes.getvalue()
        layer = _blob(path, gzip.compress(layer_raw, mtime=0))
        config = _blob(path, json.dumps({
            "architecture": arch, "os": "linux", "config": {"Cmd": ["/hello"]},
            "rootfs": {"type": "layers", "diff_ids": [f"sha256:{hashlib.sha256(layer_raw).hexdigest()}"]},
        }).encode())
        manifest = _blob(path, json.dumps({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}],
        }).encode())
        manifests.append({"mediaType": MANIFEST, **manifest, "platform": {"architecture": arch, "os": "linux"}})
    index = _blob(path, json.dumps({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests}).encode())
    (path / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    (path / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": INDEX, **index, "annotations": {"org.opencontainers.image.ref.name": tag}}]}))
    return Layout(path, tag, index["digest"])


def push(layout: Layout, dest: str, creds: str | None = None) -> None:
    """skopeo copy the whole index to `dest` (`host:port/repo:tag`) over plain HTTP, keeping its digest."""
    cmd = [need("skopeo"), "copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false"]
    if creds:
        cmd += ["--dest-creds", creds]
    subprocess.run([*cmd, f"oci:{layout.path}:{layout.tag}", f"docker://{dest}"], check=True, timeout=120,
                   capture_output=True)


# ---------------------------------------------------------------------------------------------- registry
class Registry:
    """Debian's docker-registry (CNCF distribution) on 127.0.0.1, optionally with htpasswd basic auth."""

    def __init__(self, workdir: Path, users: dict[str, str] | None = None, storage: Path | None = None,
                 token: "TokenIssuer | None" = None) -> None:
        self.workdir = workdir
        self.users = users or {}
        self.storage = storage or workdir / "data"
        self.token = token
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Registry":
        binary = need("docker-registry")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config: dict = {"version": 0.1, "log": {"level": "warn"},
                        "storage": {"filesystem": {"rootdirectory": str(self.storage)},
                                    "delete": {"enabled": True}},
                        "http": {"addr": self.host, "secret": secrets.token_hex(16)}}
        if self.users:
            lines = []
            for user, password in self.users.items():
                out = subprocess.run([need("htpasswd"), "-Bbn", user, password], check=True, capture_output=True,
                                     text=True).stdout
                lines.append(out.strip())
            (self.workdir / "htpasswd").write_text("\n".join(lines) + "\n")
            config["auth"] = {"htpasswd": {"realm": "dockseal-tests", "path": str(self.workdir / "htpasswd")}}
        if self.token:
            config["auth"] = {"token": {"realm": f"http://{self.token.host}/token", "service": self.token.service,
                                        "issuer": self.token.issuer, "rootcertbundle": str(self.token.cert)}}
        (self.workdir / "config.yml").write_text(yaml.safe_dump(config))
        log = open(self.workdir / "registry.log", "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.proc = subprocess.Popen([binary, "serve", str(self.workdir / "config.yml")], stdout=log, stderr=log)
        _wait_http(f"http://{self.host}/v2/", self.proc)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "_log", None):
            self._log.close()

    @property
    def creds(self) -> str | None:
        """`user:password` of the first user (for skopeo --dest-creds)."""
        return next((f"{u}:{p}" for u, p in self.users.items()), None)


def _wait_http(url: str, proc: subprocess.Popen, deadline: float = 15.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"docker-registry exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback test server
            return
        except urllib.error.HTTPError:
            return  # 401 means it is up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"registry at {url} did not start")


# ----------------------------------------------------------------------------------------- token front
@dataclass
class Faults:
    """What the front does wrong, set by a test: delay, a wrong digest header, N failing answers first."""

    delay: float = 0.0
    wrong_digest: bool = False
    fail_status: int = 0
    fail_count: int = 0
    retry_after: str | None = None


@dataclass
class TokenFront:
    """A bearer-token flow in front of a Registry, as Docker Hub does it.

    `/token` issues a token (HTTP basic credentials checked against `users`; anonymous when `anonymous`);
    `/v2/…` answers 401 with `Www-Authenticate: Bearer realm=…,service=…,scope=…` unless the token is valid,
    then forwards the GET to the registry. `faults` makes it misbehave; `seen` records request headers.
    """

    upstream: Registry
    users: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False
    faults: Faults = field(default_factory=Faults)
    seen: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.tokens: set[str] = set()
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> "TokenFront":
        front = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                front.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
                if self.path.startswith("/token"):
                    return front._token(self)
                return front._proxy(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def _token(self, req: BaseHTTPRequestHandler) -> None:
        header = req.headers.get("Authorization", "")
        ok = self.anonymous and not header
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            ok = self.users.get(user) == password and bool(user)
        if not ok:
            return _send(req, 401, b'{"details":"incorrect username or password"}', {"Content-Type": "application/json"})
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return _send(req, 200, json.dumps({"token": token, "expires_in": 300}).encode(),
                     {"Content-Type": "application/json"})

    def _proxy(self, req: BaseHTTPRequestHandler) -> None:
        auth = req.headers.get("Authorization", "")
        if not (auth.startswith("Bearer ") and auth[7:] in self.tokens):
            repo = req.path.split("/manifests/")[0][len("/v2/"):] if "/manifests/" in req.path else ""
            scope = f',scope="repository:{repo}:pull"' if repo else ""
            challenge = f'Bearer realm="http://{self.host}/token",service="dockseal-test"{scope}'
            return _send(req, 401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                         {"Www-Authenticate": challenge, "Content-Type": "application/json"})
        faults = self.faults
        if faults.fail_count > 0:
            faults.fail_count -= 1
            extra = {"Retry-After": faults.retry_after} if faults.retry_after else {}
            return _send(req, faults.fail_status, b"{}", extra)
        if faults.delay:
            time.sleep(faults.delay)
        upstream = urllib.request.Request(f"http://{self.upstream.host}{req.path}",
                                          headers={"Accept": req.headers.get("Accept", "")})
        if self.upstream.creds:
            upstream.add_header("Authorization", "Basic " + base64.b64encode(self.upstream.creds.encode()).decode())
        try:
            with urllib.request.urlopen(upstream, timeout=10) as resp:  # noqa: S310 - loopback
                status, body, headers = resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as err:
            status, body, headers = err.code, err.read(), dict(err.headers)
        except OSError:  # the registry went away (a delayed answer outliving its test)
            return _send(req, 502, b"{}", {})
        keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "docker-content-digest")}
        if faults.wrong_digest and "Docker-Content-Digest" in keep:
            keep["Docker-Content-Digest"] = "sha256:" + "0" * 64
        return _send(req, status, body, keep)


def _send(req: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str]) -> None:
    try:
        req.send_response(status)
        for key, value in headers.items():
            req.send_header(key, value)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up (timeout test)


def skopeo_digest(ref: str, creds: str | None = None) -> str:
    """The digest of what the registry serves for `ref`, computed by skopeo (an independent client)."""
    cmd = [need("skopeo"), "inspect", "--raw", "--tls-verify=false"]
    if creds:
        cmd += ["--creds", creds]
    raw = subprocess.run([*cmd, f"docker://{ref}"], check=True, capture_output=True, timeout=60).stdout
    return "sha256:" + hashlib.sha256(raw).hexdigest()


# ------------------------------------------------------------------------------ real token auth (JWT, x5c)
def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class TokenIssuer:
    """A token server for docker-registry's own `auth: token` mode: the registry sends the Bearer challenge
    and verifies the RS256 JWTs issued here (signed with openssl; the certificate travels in `x5c` and is the
    registry's `rootcertbundle`). Grants the requested scope to `users` (or to anyone when `anonymous`)."""

    workdir: Path
    users: dict[str, str] = field(default_factory=dict)
    anonymous: bool = False
    grant: bool = True  # False: valid tokens that grant nothing (the registry then refuses them)
    service: str = "dockseal-registry"
    issuer: str = "dockseal-token-issuer"

    def __post_init__(self) -> None:
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.key = self.workdir / "key.pem"
        self.cert = self.workdir / "cert.pem"
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> "TokenIssuer":
        openssl = need("openssl")
        self.workdir.mkdir(parents=True, exist_ok=True)
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=dockseal-token",
                        "-days", "2", "-keyout", str(self.key), "-out", str(self.cert)], check=True,
                       capture_output=True, timeout=60)
        der = subprocess.run([openssl, "x509", "-in", str(self.cert), "-outform", "DER"], check=True,
                             capture_output=True, timeout=60).stdout
        self._x5c = base64.b64encode(der).decode()
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                issuer._issue(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def _issue(self, req: BaseHTTPRequestHandler) -> None:
        from urllib.parse import parse_qs, urlparse

        header = req.headers.get("Authorization", "")
        user = ""
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            if self.users.get(user) != password or not user:
                return _send(req, 401, b'{"details":"bad credentials"}', {"Content-Type": "application/json"})
        elif not self.anonymous:
            return _send(req, 401, b'{"details":"login required"}', {"Content-Type": "application/json"})
        query = parse_qs(urlparse(req.path).query)
        access = []
        for scope in query.get("scope", []) if self.grant else []:
            kind, name, actions = scope.split(":", 2)
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": user, "aud": query.get("service", [""])[0], "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": secrets.token_hex(8), "access": access}
        head = {"alg": "RS256", "typ": "JWT", "x5c": [self._x5c]}
        signing_input = f"{_b64url(json.dumps(head).encode())}.{_b64url(json.dumps(claims).encode())}"
        signature = subprocess.run([need("openssl"), "dgst", "-sha256", "-sign", str(self.key)],
                                   input=signing_input.encode(), check=True, capture_output=True, timeout=60).stdout
        token = f"{signing_input}.{_b64url(signature)}"
        return _send(req, 200, json.dumps({"token": token, "access_token": token}).encode(),
                     {"Content-Type": "application/json"})
