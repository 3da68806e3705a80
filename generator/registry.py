"""OCI distribution client: resolve `repo:tag` to the digest a registry serves for it.

Only what pinning needs, done carefully: one GET of the manifest with a single Accept header listing the four
manifest types (a narrower header makes registries answer 404 for OCI images or convert Docker manifests to
schema1 with a different digest), the `Docker-Content-Digest` header checked against the sha256 of the body,
the anonymous and authenticated bearer-token flows that Docker Hub, GHCR, gcr.io and quay use (following
`Www-Authenticate`), basic auth, credentials from docker/podman auth files and the environment, name-prefix
mirrors, timeouts and bounded retries with backoff on 429 and 5xx. Plain HTTP is used only for loopback
registries, as Docker does; everything else is HTTPS with certificate verification.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DocksealError, InputError
from .refs import DEFAULT_REGISTRY, ImageRef

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_TYPES = (OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST)
ACCEPT = ", ".join(MANIFEST_TYPES)
INDEX_TYPES = frozenset({OCI_INDEX, DOCKER_LIST})
MAX_MANIFEST_BYTES = 4 * 1024 * 1024  # the limit distribution itself enforces
DOCKER_HUB_API = "registry-1.docker.io"

_NAME_PREFIX = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$")
_MIRROR = re.compile(r"^(?:(https?)://)?(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?((?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*)/?$")
_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')


class RegistryError(DocksealError):
    """A registry could not give a trustworthy digest; the message names the reference. Nothing is written."""

    exit_code = 2


def is_loopback(host: str) -> bool:
    """Whether `host` (no port) is this machine: the only place plain HTTP is acceptable."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _host_only(hostport: str) -> str:
    if hostport.startswith("["):
        return hostport[: hostport.index("]") + 1]
    return hostport.rsplit(":", 1)[0] if ":" in hostport else hostport


@dataclass(frozen=True)
class Endpoint:
    """Where one reference is fetched from: base URL, host (for credentials) and repository path."""

    scheme: str
    host: str
    repository: str

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def manifest_url(self, reference: str) -> str:
        return f"{self.base_url}/v2/{self.repository}/manifests/{reference}"


@dataclass(frozen=True)
class Mirror:
    """`prefix` of a reference name (registry or registry/path) served from `host[/path]` instead."""

    prefix: str
    scheme: str
    host: str
    path: str

    @classmethod
    def parse(cls, prefix: str, target: str) -> "Mirror":
        """Validate one mapping entry; plain http:// only towards loopback."""
        prefix = prefix.strip().rstrip("/")
        if not _NAME_PREFIX.match(prefix):
            raise InputError(f"mirror {prefix!r}: the left side must be a registry or registry/path, "
                             "e.g. docker.io or docker.io/library")
        match = _MIRROR.match(target.strip())
        if not match:
            raise InputError(f"mirror {prefix}={target!r}: the right side must be HOST[:PORT][/PATH], "
                             "optionally with https:// (or http:// for a loopback registry)")
        scheme, host, port, path = match.groups()
        if scheme == "http" and not is_loopback(host):
            raise InputError(f"mirror {prefix}={target}: plain HTTP is allowed only for loopback registries")
        scheme = scheme or ("http" if is_loopback(host) else "https")
        return cls(prefix, scheme, host + (port or ""), (path or "").strip("/"))


def parse_mirrors(mapping: dict[str, str]) -> list[Mirror]:
    """Mirrors from `{prefix: target}`, longest prefix first so the most specific one wins."""
    mirrors = [Mirror.parse(str(k), str(v)) for k, v in mapping.items()]
    return sorted(mirrors, key=lambda m: len(m.prefix), reverse=True)


def endpoint(ref: ImageRef, mirrors: list[Mirror] | tuple[Mirror, ...] = ()) -> Endpoint:
    """The registry endpoint for `ref`, through the most specific matching mirror if any."""
    for mirror in mirrors:
        if ref.name == mirror.prefix or ref.name.startswith(mirror.prefix + "/"):
            rest = ref.name[len(mirror.prefix):].strip("/")
            repository = "/".join(p for p in (mirror.path, rest) if p)
            return Endpoint(mirror.scheme, mirror.host, repository)
    host = DOCKER_HUB_API if ref.registry == DEFAULT_REGISTRY else ref.registry
    scheme = "http" if is_loopback(_host_only(host)) else "https"
    return Endpoint(scheme, host, ref.repository)


# ---------------------------------------------------------------------------------------------- credentials
def _normalise_auth_key(key: str) -> str:
    key = re.sub(r"^[a-z]+://", "", key.strip()).rstrip("/")
    key = re.sub(r"/v[12]$", "", key)
    host, _, rest = key.partition("/")
    if host in ("index.docker.io", DOCKER_HUB_API, "registry.hub.docker.com"):
        host = DEFAULT_REGISTRY
    return f"{host}/{rest}" if rest else host


def auth_files() -> list[Path]:
    """Auth files in the order podman and skopeo read them (containers-auth.json(5)), then Docker's."""
    env = os.environ
    files: list[Path] = []
    if env.get("REGISTRY_AUTH_FILE"):
        files.append(Path(env["REGISTRY_AUTH_FILE"]))
    if env.get("XDG_RUNTIME_DIR"):
        files.append(Path(env["XDG_RUNTIME_DIR"]) / "containers" / "auth.json")
    home = Path(env.get("HOME") or Path.home())
    files.append(home / ".config" / "containers" / "auth.json")
    files.append(Path(env["DOCKER_CONFIG"]) / "config.json" if env.get("DOCKER_CONFIG")
                 else home / ".docker" / "config.json")
    return files


@dataclass
class Credentials:
    """Registry credentials, looked up per host (and repository path, as podman allows).

    Sources, first match wins: DOCKSEAL_REGISTRY_USER / DOCKSEAL_REGISTRY_PASSWORD for the host named in
    DOCKSEAL_REGISTRY_HOST, the JSON in DOCKER_AUTH_CONFIG (as GitLab runners set it), then the auth files.
    A file entry may hold `auth` (base64 user:password), `username`/`password`, or name a credential helper
    (`credHelpers`/`credsStore`, run as `docker-credential-NAME get`).
    """

    configs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_environment(cls) -> "Credentials":
        configs: list[tuple[str, dict[str, Any]]] = []
        if os.environ.get("DOCKER_AUTH_CONFIG"):
            configs.append(("DOCKER_AUTH_CONFIG", _load_auth_json(os.environ["DOCKER_AUTH_CONFIG"], "DOCKER_AUTH_CONFIG")))
        for path in auth_files():
            if path.is_file():
                configs.append((str(path), _load_auth_json(path.read_text(encoding="utf-8"), str(path))))
        return cls(configs, dict(os.environ))

    def lookup(self, host: str, repository: str = "") -> tuple[str, str] | None:
        """(user, password) for `host` (as contacted; registry-1.docker.io means docker.io), else None."""
        wanted = _normalise_auth_key(host)
        user, password = self.env.get("DOCKSEAL_REGISTRY_USER"), self.env.get("DOCKSEAL_REGISTRY_PASSWORD")
        if user and password:
            target = self.env.get("DOCKSEAL_REGISTRY_HOST", "")
            if not target:
                raise InputError("DOCKSEAL_REGISTRY_USER is set but DOCKSEAL_REGISTRY_HOST is not: name the registry "
                                 "those credentials are for, so they are never sent anywhere else")
            if _normalise_auth_key(target) == wanted:
                return user, password
        candidates = [f"{wanted}/{repository}"] if repository else []
        parts = repository.split("/") if repository else []
        candidates += [f"{wanted}/{'/'.join(parts[:i])}" for i in range(len(parts) - 1, 0, -1)] + [wanted]
        for source, config in self.configs:
            auths = {_normalise_auth_key(k): v for k, v in (config.get("auths") or {}).items()}
            helpers = {_normalise_auth_key(k): v for k, v in (config.get("credHelpers") or {}).items()}
            for key in candidates:
                if key in auths and isinstance(auths[key], dict):
                    found = _entry_credentials(auths[key], source, key)
                    if found:
                        return found
                if key in helpers:
                    return _run_helper(str(helpers[key]), host)
            if config.get("credsStore") and wanted in auths:
                return _run_helper(str(config["credsStore"]), host)
        return None


def _load_auth_json(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{source}: not valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with an `auths` mapping")
    return data


def _entry_credentials(entry: dict[str, Any], source: str, key: str) -> tuple[str, str] | None:
    if entry.get("auth"):
        try:
            user, _, password = base64.b64decode(str(entry["auth"]), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise InputError(f"{source}: the `auth` entry for {key} is not base64 of user:password") from None
        return (user, password) if user else None
    if entry.get("username") and entry.get("password"):
        return str(entry["username"]), str(entry["password"])
    return None


def _run_helper(name: str, host: str) -> tuple[str, str] | None:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise InputError(f"credential helper name {name!r} is not valid")
    server = "https://index.docker.io/v1/" if host == DOCKER_HUB_API else host
    try:
        proc = subprocess.run([f"docker-credential-{name}", "get"], input=server, capture_output=True, text=True,
                              timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise InputError(f"credential helper docker-credential-{name} failed for {host}: {err}") from None
    if proc.returncode != 0:
        return None  # "credentials not found": continue anonymously
    try:
        data = json.loads(proc.stdout)
        return str(data["Username"]), str(data["Secret"])
    except (ValueError, KeyError, TypeError):
        raise InputError(f"credential helper docker-credential-{name} gave no Username/Secret for {host}") from None


# ------------------------------------------------------------------------------------------------- client
@dataclass(frozen=True)
class Resolved:
    """What the registry serves for a tag: its digest and manifest media type."""

    digest: str
    media_type: str
    host: str

    @property
    def is_index(self) -> bool:
        return self.media_type in INDEX_TYPES


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="…",service="…",scope="…"` -> ("bearer", {realm, service, scope})."""
    scheme, _, rest = header.strip().partition(" ")
    return scheme.lower(), dict(_CHALLENGE_PARAM.findall(rest))


class Client:
    """Resolves tags to digests; one instance reuses connections and bearer tokens across references."""

    def __init__(self, mirrors: list[Mirror] | tuple[Mirror, ...] = (), credentials: Credentials | None = None,
                 timeout: float = 10.0, retries: int = 2, backoff: float = 0.5) -> None:
        self.mirrors = tuple(mirrors)
        self.credentials = credentials if credentials is not None else Credentials.from_environment()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._clients: dict[bool, Any] = {}
        self._tokens: dict[tuple[str, str], str] = {}

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def _http(self, loopback: bool) -> Any:
        import httpx

        if loopback not in self._clients:
            # Loopback never goes through a proxy; elsewhere the environment's proxy and CA settings apply.
            self._clients[loopback] = httpx.Client(timeout=self.timeout, follow_redirects=False,
                                                   trust_env=not loopback, headers={"User-Agent": "dockseal"})
        return self._clients[loopback]

    def resolve(self, ref: ImageRef) -> Resolved:
        """The digest `ref`'s tag points at now (an index digest for multi-arch images)."""
        if not ref.tag:
            raise RegistryError(f"{ref}: has no tag to resolve")
        where = endpoint(ref, self.mirrors)
        label = f"{ref.name}:{ref.tag}" + ("" if where.host in (ref.registry, DOCKER_HUB_API) else f" (via {where.host})")
        response = self._get(label, where, where.manifest_url(ref.tag), {"Accept": ACCEPT})
        return self._verify(label, where, response)

    def _get(self, label: str, where: Endpoint, url: str, headers: dict[str, str]) -> Any:
        auth = self._cached_auth(where)
        response = self._send(label, where, url, {**headers, **auth})
        if response.status_code == 401:
            challenge = response.headers.get("www-authenticate", "")
            auth = self._authenticate(label, where, challenge)
            response = self._send(label, where, url, {**headers, **auth})
            if response.status_code == 401:
                raise RegistryError(f"{label}: the registry refused the credentials (401 Unauthorized); check the "
                                    "login in your auth file or DOCKSEAL_REGISTRY_USER/PASSWORD")
        return response

    def _send(self, label: str, where: Endpoint, url: str, headers: dict[str, str]) -> Any:
        import httpx

        client = self._http(where.scheme == "http" or is_loopback(_host_only(where.host)))
        for attempt in range(self.retries + 1):
            response = self._fetch(client, label, f"the registry at {where.host}", url, headers=headers)
            if response.status_code != 429 and response.status_code < 500:
                return response
            if attempt < self.retries:
                time.sleep(self._delay(response, attempt))
        raise RegistryError(f"{label}: the registry at {where.host} kept answering {response.status_code} "
                            f"after {self.retries + 1} attempts; try again later")

    def _fetch(self, client: Any, label: str, who: str, url: Any, **kwargs: Any) -> Any:
        """GET `url`, read whole within `timeout` seconds in all (httpx's own timeouts bound each read, so a
        server sending a byte at a time would hold pin for ever) and at most MAX_MANIFEST_BYTES; every failure
        to get a readable answer is a RegistryError naming `who`."""
        import httpx

        deadline = time.monotonic() + self.timeout
        try:
            with client.stream("GET", url, **kwargs) as streamed:
                body = bytearray()
                for chunk in streamed.iter_bytes():
                    body += chunk
                    if len(body) > MAX_MANIFEST_BYTES:
                        raise RegistryError(f"{label}: {who} sent more than 4 MiB; refusing it")
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("deadline")
                headers = {k: v for k, v in streamed.headers.items()
                           if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")}
                return httpx.Response(streamed.status_code, headers=headers, content=bytes(body),
                                      request=streamed.request)
        except httpx.TimeoutException:
            raise RegistryError(f"{label}: {who} did not answer within {self.timeout:g}s (timeout)") from None
        except httpx.TransportError as err:
            raise RegistryError(f"{label}: cannot reach {who} ({type(err).__name__}: "
                                f"{err or 'connection failed'})") from None
        except httpx.HTTPError as err:  # e.g. a body that does not decode as its Content-Encoding says
            raise RegistryError(f"{label}: {who} sent an answer that cannot be read ({type(err).__name__})") from None

    def _delay(self, response: Any, attempt: int) -> float:
        retry_after = response.headers.get("retry-after", "")
        if retry_after.isdigit():
            return min(float(retry_after), 10.0)
        return self.backoff * (2 ** attempt)

    def _cached_auth(self, where: Endpoint) -> dict[str, str]:
        token = self._tokens.get((where.host, where.repository))
        return {"Authorization": token} if token else {}

    def _authenticate(self, label: str, where: Endpoint, challenge: str) -> dict[str, str]:
        scheme, params = parse_challenge(challenge)
        creds = self.credentials.lookup(where.host, where.repository)
        if scheme == "basic":
            if creds is None:
                raise RegistryError(f"{label}: the registry at {where.host} requires a login (401, Basic) and no "
                                    "credentials were found; log in with `podman login` or `docker login`")
            header = "Basic " + base64.b64encode(f"{creds[0]}:{creds[1]}".encode()).decode()
        elif scheme == "bearer" and params.get("realm"):
            header = "Bearer " + self._token(label, where, params, creds)
        else:
            raise RegistryError(f"{label}: the registry at {where.host} answered 401 without a usable "
                                f"Www-Authenticate challenge ({challenge[:80]!r})")
        self._tokens[(where.host, where.repository)] = header
        return {"Authorization": header}

    def _token(self, label: str, where: Endpoint, params: dict[str, str], creds: tuple[str, str] | None) -> str:
        import httpx

        realm = httpx.URL(params["realm"])
        if realm.scheme != "https" and not (realm.scheme == "http" and is_loopback(realm.host)):
            raise RegistryError(f"{label}: refusing the token service {params['realm']}: not HTTPS")
        query = {"scope": params.get("scope") or f"repository:{where.repository}:pull"}
        if params.get("service"):
            query["service"] = params["service"]
        auth = httpx.BasicAuth(*creds) if creds else None
        client = self._http(realm.scheme == "http" or is_loopback(realm.host))
        response = self._fetch(client, label, f"the token service {realm.host}", realm, params=query, auth=auth)
        if response.status_code in (401, 403):
            what = "refused the credentials" if creds else "refused anonymous access; log in first"
            raise RegistryError(f"{label}: the token service {realm.host} {what} ({response.status_code})")
        if response.status_code != 200:
            raise RegistryError(f"{label}: the token service {realm.host} answered {response.status_code}")
        try:
            data = response.json()
            token = data.get("token") or data.get("access_token")
        except ValueError:
            token = None
        if not isinstance(token, str) or not token:
            raise RegistryError(f"{label}: the token service {realm.host} returned no token")
        return token

    def _verify(self, label: str, where: Endpoint, response: Any) -> Resolved:
        status = response.status_code
        if status == 404:
            raise RegistryError(f"{label}: not found on {where.host} (404 {_error_code(response)}); check the "
                                "repository and tag")
        if status == 403:
            raise RegistryError(f"{label}: access denied by {where.host} (403)")
        if status != 200:
            raise RegistryError(f"{label}: unexpected answer {status} from {where.host}")
        body = response.content
        if len(body) > MAX_MANIFEST_BYTES:
            raise RegistryError(f"{label}: manifest larger than 4 MiB; refusing it")
        computed = "sha256:" + hashlib.sha256(body).hexdigest()
        header = response.headers.get("docker-content-digest")
        if header and header != computed:
            raise RegistryError(f"{label}: the registry's Docker-Content-Digest {header} does not match the "
                                f"manifest it sent ({computed}); refusing to pin")
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type not in MANIFEST_TYPES:
            raise RegistryError(f"{label}: unexpected manifest type {media_type or 'none'!r} from {where.host}")
        return Resolved(computed, media_type, where.host)


def _error_code(response: Any) -> str:
    """The registry's error code (MANIFEST_UNKNOWN...) when it is one: never its raw text, which could forge
    lines of pin's own output."""
    try:
        code = str((response.json().get("errors") or [])[0].get("code", ""))
    except (ValueError, AttributeError, IndexError, TypeError):
        return "Not Found"
    return code if re.fullmatch(r"[A-Z][A-Z_]{0,39}", code) else "Not Found"
