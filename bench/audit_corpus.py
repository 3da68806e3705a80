"""A seeded generator of varied Dockerfiles and Kubernetes manifests, good and bad, for the audit benchmark.

Nothing here is committed as data: the same seed gives the same corpus, written into a directory on demand.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

DIGEST = "sha256:" + "0123456789abcdef" * 4
BASES = ["docker.io/library/python:3.12-slim-bookworm@" + DIGEST, "python:3.12", "node:22-bookworm-slim",
         "ubuntu:latest", "alpine", "quay.io/someone/tool:1.0", "gcr.io/distroless/static-debian12:nonroot@" + DIGEST,
         "golang:1.24-bookworm@" + DIGEST, "debian:bookworm-slim", "registry.access.redhat.com/ubi9/ubi-minimal:9.5"]
RUNS = [
    "apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
    "apt-get update && apt-get install -y curl git",
    "apk add curl",
    "apk add --no-cache ca-certificates",
    "curl -fsSL https://example.org/install.sh | sh",
    "curl -k https://example.org/file -o /tmp/file",
    "pip install --no-cache-dir -r requirements.txt",
    "pip install --trusted-host pypi.example.org flask",
    "sudo make install",
    "wget -O - https://example.org/a.tgz | tar xz",
    "npm ci --omit=dev",
    "go build -o /out/app .",
    "useradd --uid 10001 app",
    "set -o pipefail && wget -qO- https://example.org/x | sha256sum",
]
TAILS = [
    ['USER 65532:65532', 'HEALTHCHECK CMD ["/app/probe"]', 'ENTRYPOINT ["/app/server"]'],
    ['USER app', 'CMD python app.py'],
    ['USER root', 'CMD ["node", "server.js"]'],
    ['EXPOSE 22', 'CMD ["/usr/sbin/sshd", "-D"]'],
    ['HEALTHCHECK NONE', 'ENTRYPOINT /entrypoint.sh'],
    ['USER 10001', 'EXPOSE 8080', 'HEALTHCHECK --interval=30s CMD ["/app/health"]', 'CMD ["/app/run"]'],
]


def dockerfile(rng: random.Random) -> str:
    lines = []
    if rng.random() < 0.5:
        lines += [f"FROM {rng.choice(BASES)} AS build", "WORKDIR /src", "COPY . ."]
        lines += [f"RUN {rng.choice(RUNS)}" for _ in range(rng.randint(1, 4))]
    lines.append(f"FROM {rng.choice(BASES)}")
    if rng.random() < 0.2:
        lines.append(rng.choice(["ARG DB_PASSWORD", "ENV API_TOKEN=changeme", "ENV NODE_TLS_REJECT_UNAUTHORIZED=0",
                                 "ENV APP_ENV=production"]))
    lines.append(rng.choice(["WORKDIR /app", "WORKDIR app"]))
    lines.append(rng.choice(["COPY --from=build /out/ /app/", "ADD app.tar.gz /app/", "COPY app/ /app/"]
                            if lines[0].endswith("AS build") else ["COPY app/ /app/", "ADD . /app"]))
    lines += [f"RUN {rng.choice(RUNS)}" for _ in range(rng.randint(0, 3))]
    lines += rng.choice(TAILS)
    return "\n".join(lines) + "\n"


def _container(rng: random.Random, i: int) -> dict:
    c: dict = {"name": f"c{i}", "image": rng.choice(["nginx", "nginx:1.27", "nginx:1.27@" + DIGEST,
                                                     "ghcr.io/acme/app:2.0@" + DIGEST, "busybox:latest"])}
    if rng.random() < 0.5:
        c["imagePullPolicy"] = rng.choice(["Always", "IfNotPresent"])
    if rng.random() < 0.6:
        c["resources"] = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "1", "memory": "256Mi"}}
    if rng.random() < 0.5:
        c["readinessProbe"] = {"httpGet": {"path": "/ready", "port": 8080}}
        c["livenessProbe"] = {"httpGet": {"path": "/live", "port": 8080}}
    sc: dict = {}
    for key, values in (("allowPrivilegeEscalation", [False, True]), ("readOnlyRootFilesystem", [True, False]),
                        ("runAsNonRoot", [True, False]), ("runAsUser", [0, 1000, 10001, 65532]),
                        ("privileged", [False, True])):
        if rng.random() < 0.5:
            sc[key] = rng.choice(values)
    if rng.random() < 0.5:
        sc["capabilities"] = rng.choice([{"drop": ["ALL"]}, {"add": ["NET_ADMIN"]}, {"drop": ["ALL"], "add": ["SYS_ADMIN"]}])
    if sc:
        c["securityContext"] = sc
    if rng.random() < 0.2:
        c["env"] = [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]
    if rng.random() < 0.15:
        c["ports"] = [{"containerPort": 8080, "hostPort": 8080}]
    return c


def manifest(rng: random.Random, n: int) -> str:
    spec: dict = {"containers": [_container(rng, i) for i in range(rng.randint(1, 3))]}
    if rng.random() < 0.3:
        spec["initContainers"] = [_container(rng, 9)]
    for key, value in (("hostNetwork", True), ("hostPID", True), ("automountServiceAccountToken", False)):
        if rng.random() < 0.2 or (key == "automountServiceAccountToken" and rng.random() < 0.5):
            spec[key] = value
    if rng.random() < 0.5:
        spec["securityContext"] = {"seccompProfile": {"type": rng.choice(["RuntimeDefault", "Unconfined"])},
                                   "runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532, "fsGroup": 65532}
    if rng.random() < 0.15:
        spec["volumes"] = [{"name": "sock", "hostPath": {"path": "/var/run/docker.sock"}}]
    kind = rng.choice(["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"])
    meta = {"name": f"w{n}", "namespace": rng.choice(["default", "shop", "payments"])}
    labels = {"app": f"w{n}"}
    template = {"metadata": {"labels": labels}, "spec": spec}
    api = {"Pod": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "apps/v1")
    if kind == "Pod":
        obj = {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec}
    elif kind == "Job":
        spec["restartPolicy"] = "Never"
        obj = {"apiVersion": api, "kind": kind, "metadata": meta, "spec": {"template": template}}
    elif kind == "CronJob":
        spec["restartPolicy"] = "OnFailure"
        obj = {"apiVersion": api, "kind": kind, "metadata": meta,
               "spec": {"schedule": "0 * * * *", "jobTemplate": {"spec": {"template": template}}}}
    else:
        body = {"selector": {"matchLabels": labels}, "template": template}
        if kind == "StatefulSet":
            body["serviceName"] = f"w{n}"
        obj = {"apiVersion": api, "kind": kind, "metadata": meta, "spec": body}
    docs = [obj]
    if rng.random() < 0.3:
        docs.append({"apiVersion": "v1", "kind": "Service", "metadata": meta,
                     "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 8080}]}})
    return yaml.safe_dump_all(docs, sort_keys=False)


def write_corpus(root: Path, dockerfiles: int = 300, manifests: int = 250, seed: int = 20261128) -> dict[str, list[Path]]:
    """Write the corpus under root/dockerfiles and root/manifests; returns the files by kind."""
    rng = random.Random(seed)
    out: dict[str, list[Path]] = {"dockerfile": [], "kubernetes": []}
    for i in range(dockerfiles):
        path = root / "dockerfiles" / f"svc{i:04d}" / "Dockerfile"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dockerfile(rng))
        out["dockerfile"].append(path)
    for i in range(manifests):
        path = root / "manifests" / f"workload{i:04d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(manifest(rng, i))
        out["kubernetes"].append(path)
    return out
