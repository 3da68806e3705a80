"""One-line "catches / passes" cases per control, hadolint-spec style.

A Dockerfile case is one instruction under `FROM scratch` (or a whole Dockerfile when it starts with FROM;
`\\n` separates lines). A compose case is one service as a YAML flow mapping. A Kubernetes case is one pod
spec as a flow mapping (or a whole manifest when it starts with `apiVersion`).
"""

from __future__ import annotations

PINNED = "docker.io/library/python:3.12-slim-bookworm@sha256:54c85f3c47607a77f32adec749d3c81d1348bf25833671f512b26a9b6d778cb3"
DISTROLESS = ("gcr.io/distroless/python3-debian12:nonroot"
              "@sha256:7d1042ce588ab97019fe95c24ffca7bc5a82ccdac572511d5e09bda4435c89c5")
GOOD_SVC = ("{image: 'nginx:1.27@sha256:" + "a" * 64 + "', user: '65532:65532', read_only: true, cap_drop: [ALL],"
            " security_opt: ['no-new-privileges:true'], mem_limit: 256m, cpus: 0.5, pids_limit: 100,"
            " healthcheck: {test: [CMD, /probe]}, ports: ['127.0.0.1:8080:8080'], restart: 'on-failure:5'}")
C = "{name: c, image: 'nginx:1.27@sha256:" + "a" * 64 + "'"
SECURE = ("securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,"
          " runAsUser: 10001, runAsGroup: 10001, capabilities: {drop: [ALL]}, seccompProfile: {type: RuntimeDefault}}")

# (control, kind, catches, passes)
CASES: list[tuple[str, str, str, str]] = [
    ("DS001", "dockerfile", "FROM python:3.12", f"FROM {PINNED}"),
    ("DS001", "dockerfile", "FROM python", "FROM scratch"),
    ("DS001", "dockerfile", "FROM python:latest", f"ARG B={PINNED}\nFROM $B"),
    ("DS001", "dockerfile", "ARG B=python:3.12\nFROM ${B}", f"FROM {PINNED} AS a\nFROM a"),
    ("DS002", "dockerfile", "FROM quay.io/evil/python:3.12@sha256:" + "b" * 64, f"FROM {PINNED}"),
    ("DS003", "dockerfile", f"FROM {PINNED}", f"FROM {PINNED}\nUSER 65532:65532"),
    ("DS003", "dockerfile", f"FROM {PINNED}\nUSER 0", f"FROM {DISTROLESS}"),
    ("DS003", "dockerfile", f"FROM {DISTROLESS}\nUSER root", f"FROM {PINNED} AS b\nUSER 10001\nFROM b"),
    ("DS004", "dockerfile", "USER app", "USER 10001:10001"),
    ("DS005", "dockerfile", f"FROM {PINNED}", f"FROM {PINNED}\nHEALTHCHECK CMD [\"/probe\"]"),
    ("DS005", "dockerfile", "HEALTHCHECK NONE", "HEALTHCHECK CMD [\"/probe\"]"),
    ("DS006", "dockerfile", "ADD app.tar /app", "COPY app.tar /app"),
    ("DS007", "dockerfile", "WORKDIR app", "WORKDIR /app"),
    ("DS008", "dockerfile", "CMD python app.py", "CMD [\"python\", \"app.py\"]"),
    ("DS008", "dockerfile", "ENTRYPOINT /app/run", "ENTRYPOINT [\"/app/run\"]"),
    ("DS009", "dockerfile", "ARG DB_PASSWORD", "ARG DB_PASSWORD_FILE=/run/secrets/db"),
    ("DS009", "dockerfile", "ENV API_TOKEN=abc", "ENV APP_PORT=8080"),
    ("DS010", "dockerfile", "RUN curl -k https://x -o f", "RUN curl -fsSL https://x -o f"),
    ("DS010", "dockerfile", "RUN pip install --trusted-host pypi.org x", "RUN pip install x"),
    ("DS010", "dockerfile", "RUN apt-get install -y --allow-unauthenticated x", "RUN apt-get install -y x"),
    ("DS010", "dockerfile", "ENV NODE_TLS_REJECT_UNAUTHORIZED=0", "ENV NODE_ENV=production"),
    ("DS010", "dockerfile", "RUN wget --no-check-certificate https://x", "RUN wget https://x"),
    ("DS011", "dockerfile", "RUN apt-get install -y curl", "RUN apt-get install -y --no-install-recommends curl"),
    ("DS012", "dockerfile", "RUN apt-get update && apt-get install -y --no-install-recommends x",
     "RUN apt-get update && apt-get install -y --no-install-recommends x && rm -rf /var/lib/apt/lists/*"),
    ("DS013", "dockerfile", "EXPOSE 22", "EXPOSE 8080"),
    ("DS013", "dockerfile", "EXPOSE 70000", "EXPOSE 8080/udp"),
    ("DS014", "dockerfile", "RUN wget -O - https://x | tar x",
     "SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://x | tar x"),
    ("DS014", "dockerfile", "RUN a | b", "RUN a || b"),
    ("DS014", "dockerfile", "RUN <<EOF\nwget -O - https://x | tar x\nEOF",
     f"FROM {PINNED} AS b\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b\nRUN a | b"),
    ("DS015", "dockerfile", f"FROM {PINNED} AS a\nFROM {PINNED} AS a", f"FROM {PINNED} AS a\nFROM {PINNED} AS b"),
    ("DS016", "dockerfile", "RUN sudo apt-get update", "RUN apt-get update"),
    ("DS016", "dockerfile", "RUN <<EOF\nset -e\nsudo apt-get update\nEOF", "COPY <<EOF /etc/motd\nsudo is absent\nEOF"),
    ("DS017", "dockerfile", "RUN curl -fsSL https://x/install.sh | sh",
     "RUN curl -fsSLo i.sh https://x/i.sh && sha256sum -c i.sha && sh i.sh"),
    ("DS018", "dockerfile", "RUN apk add curl", "RUN apk add --no-cache curl"),
    ("DS101", "compose", "{image: 'nginx:1.27'}", "{image: 'nginx:1.27@sha256:" + "a" * 64 + "'}"),
    ("DS101", "compose", "{image: nginx}", "{build: ., image: 'acme/app:1.0'}"),
    ("DS101", "compose", "{image: '${IMG:-nginx:1.27}'}", "{image: '${IMG:-nginx:1.27@sha256:" + "a" * 64 + "}'}"),
    ("DS102", "compose", "{user: root}", "{user: '65532:65532'}"),
    ("DS102", "compose", "{user: '0:0'}", "{user: '10001'}"),
    ("DS103", "compose", "{image: x}", "{user: '65532:65532'}"),
    ("DS103", "compose", "{user: app}", "{user: '10001:10001'}"),
    ("DS104", "compose", "{privileged: true}", "{privileged: false}"),
    ("DS105", "compose", "{security_opt: ['label=type:container_t']}", "{security_opt: ['no-new-privileges:true']}"),
    ("DS106", "compose", "{cap_drop: [NET_RAW]}", "{cap_drop: [ALL]}"),
    ("DS106", "compose", "{cap_drop: [ALL], cap_add: [SYS_ADMIN]}", "{cap_drop: [all]}"),
    ("DS107", "compose", "{read_only: false}", "{read_only: true}"),
    ("DS108", "compose", "{network_mode: host}", "{network_mode: bridge}"),
    ("DS108", "compose", "{pid: host}", "{ipc: private}"),
    ("DS109", "compose", "{volumes: ['/var/run/docker.sock:/var/run/docker.sock']}", "{volumes: ['data:/data']}"),
    ("DS109", "compose", "{volumes: [{type: bind, source: /etc, target: /host-etc}]}", "{volumes: ['./conf:/conf:ro']}"),
    ("DS109", "compose", "{devices: ['/dev/sda:/dev/sda']}", "{tmpfs: [/tmp]}"),
    ("DS110", "compose", "{security_opt: ['seccomp:unconfined']}", "{security_opt: ['seccomp:profile.json']}"),
    ("DS110", "compose", "{security_opt: ['apparmor=unconfined']}", "{security_opt: ['apparmor=my-profile']}"),
    ("DS111", "compose", "{mem_limit: 256m}", "{mem_limit: 256m, cpus: 0.5, pids_limit: 100}"),
    ("DS111", "compose", "{image: x}",
     "{pids_limit: 100, deploy: {resources: {limits: {memory: 256M, cpus: '0.5'}}}}"),
    ("DS112", "compose", "{image: x}", "{healthcheck: {test: [CMD, /probe]}}"),
    ("DS112", "compose", "{healthcheck: {disable: true}}", "{healthcheck: {test: [CMD-SHELL, 'true']}}"),
    ("DS113", "compose", "{ports: ['8080:8080']}", "{ports: ['127.0.0.1:8080:8080']}"),
    ("DS113", "compose", "{ports: ['127.0.0.1:80:8080']}", "{ports: ['0.0.0.0:8080:8080']}"),
    ("DS113", "compose", "{ports: ['8080']}", "{ports: ['127.0.0.1::8080', '[::1]::8080/udp']}"),
    ("DS113", "compose", "{ports: ['127.0.0.1:2222:22']}", "{ports: [{target: 8080, host_ip: 127.0.0.1, published: 8080}]}"),
    ("DS114", "compose", "{restart: always}", "{restart: 'on-failure:5'}"),
    ("DS201", "kubernetes", "{containers: [{name: c, image: 'nginx:1.27'}]}", "{containers: [" + C + "}]}"),
    ("DS201", "kubernetes", "{initContainers: [{name: i, image: busybox}], containers: [" + C + "}]}",
     "{containers: [" + C + "}]}"),
    ("DS202", "kubernetes", "{containers: [" + C + ", imagePullPolicy: IfNotPresent}]}",
     "{containers: [" + C + ", imagePullPolicy: Always}]}"),
    ("DS203", "kubernetes", "{containers: [" + C + "}]}",
     "{containers: [" + C + ", securityContext: {readOnlyRootFilesystem: true}}]}"),
    ("DS204", "kubernetes", "{containers: [" + C + ", resources: {limits: {cpu: 1, memory: 1Gi}}}]}",
     "{containers: [" + C + ", resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}}]}"),
    ("DS205", "kubernetes", "{containers: [" + C + ", readinessProbe: {tcpSocket: {port: 80}}}]}",
     "{containers: [" + C + ", readinessProbe: {tcpSocket: {port: 80}}, livenessProbe: {tcpSocket: {port: 80}}}]}"),
    ("DS206", "kubernetes", "{containers: [" + C + "}]}",
     "{automountServiceAccountToken: false, containers: [" + C + "}]}"),
    ("DS207", "kubernetes", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {containers: [{name: c}]}",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec: {containers: [{name: c}]}"),
    ("DS208", "kubernetes", "{securityContext: {runAsUser: 1000, runAsGroup: 1000}, containers: [" + C + "}]}",
     "{securityContext: {runAsUser: 65532, runAsGroup: 65532}, containers: [" + C + "}]}"),
    ("DS209", "kubernetes", "{hostPID: true, containers: [" + C + "}]}", "{containers: [" + C + "}]}"),
    ("DS209", "kubernetes", "{containers: [" + C + ", securityContext: {privileged: true}}]}",
     "{containers: [" + C + ", securityContext: {privileged: false}}]}"),
    ("DS209", "kubernetes", "{volumes: [{name: h, hostPath: {path: /}}], containers: [" + C + "}]}",
     "{volumes: [{name: t, emptyDir: {}}], containers: [" + C + "}]}"),
    ("DS210", "kubernetes", "{containers: [" + C + "}]}", "{containers: [" + C + ", " + SECURE + "}]}"),
    ("DS211", "kubernetes", "{containers: [" + C + ", env: [{name: P, valueFrom: {secretKeyRef: {name: s, key: p}}}]}]}",
     "{containers: [" + C + ", env: [{name: P, value: x}]}]}"),
    ("DS211", "kubernetes", "{containers: [" + C + ", envFrom: [{secretRef: {name: s}}]}]}",
     "{containers: [" + C + ", envFrom: [{configMapRef: {name: s}}]}]}"),
]

GOOD_SERVICE = GOOD_SVC


def document(kind: str, case: str) -> tuple[str, str]:
    """(file name, text) for one case."""
    if kind == "dockerfile":
        return "Dockerfile", (case if any(line.startswith("FROM") for line in case.split("\n")) else f"FROM scratch\n{case}") + "\n"
    if kind == "compose":
        return "compose.yaml", f"services:\n  web: {case}\n"
    if case.startswith("apiVersion"):
        return "pod.yaml", case + "\n"
    return "pod.yaml", f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: shop}}\nspec: {case}\n"
