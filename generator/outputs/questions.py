"""Answer keys for the run configuration (compose and Kubernetes), spliced into `generator.questions`."""

from __future__ import annotations

from ..answers import Answers, Question

DNS_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
NAMESPACE = r"(?!default$|kube-)" + DNS_LABEL
HOSTNAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
IPV4 = r"((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
SECRET = r"[a-z][a-z0-9-]{0,30}"
SELINUX_TYPES = ["none", "container_t", "container_init_t", "container_kvm_t"]


def _runs(a: Answers) -> bool:
    return bool(a.get("compose") or a.get("kubernetes"))


def _k8s(a: Answers) -> bool:
    return bool(a.get("kubernetes"))


RUN_QUESTIONS = [
    Question("compose", "Write compose.yaml (hardened local run)?", "bool"),
    Question("kubernetes", "Write Kubernetes manifests (kustomize layout under k8s/)?", "bool"),
    Question("namespace", "Kubernetes namespace", "slug", pattern=NAMESPACE, max_length=63, when=_k8s, inactive="",
             auto=lambda a: a["service_name"],
             help="a DNS label, not 'default' and not starting with 'kube-'"),
    Question("replicas", "Replicas", "int", minimum=1, maximum=100, when=_k8s, inactive=0, help="1-100"),
    Question("cpu_request", "CPU request", pattern=r"[1-9][0-9]{0,5}m", max_length=8, when=_runs, inactive="",
             help="millicores such as 100m"),
    Question("cpu_limit", "CPU limit", pattern=r"[1-9][0-9]{0,5}m", max_length=8, when=_runs, inactive="",
             help="millicores such as 500m (compose: cpus)"),
    Question("memory_limit", "Memory limit (also the request)", pattern=r"[1-9][0-9]{0,5}(Mi|Gi)", max_length=9,
             when=_runs, inactive="", help="a size in Mi or Gi such as 256Mi"),
    Question("ephemeral_storage", "Ephemeral storage (and size of each writable tmpfs)",
             pattern=r"[1-9][0-9]{0,5}(Mi|Gi)", max_length=9, when=_runs, inactive="",
             help="a size in Mi or Gi such as 64Mi"),
    Question("pids_limit", "Process limit (compose pids_limit)", "int", minimum=16, maximum=65536,
             when=lambda a: bool(a.get("compose")), inactive=0, help="16-65536"),
    Question("bind_address", "Host address compose publishes the port on", pattern=IPV4, max_length=15,
             when=lambda a: bool(a.get("compose")), inactive="",
             help="an IPv4 address; 127.0.0.1 keeps the service local, 0.0.0.0 exposes it"),
    Question("secrets", "Secrets mounted as files under /run/secrets (comma separated names)",
             pattern=SECRET + r"(," + SECRET + r"){0,15}", max_length=600, when=_runs, inactive="",
             help="lowercase names such as db-password,api-key (a-z, 0-9, '-'; at most 16)"),
    Question("ingress_host", "Ingress host name (empty: no Ingress)", pattern=HOSTNAME, max_length=253, when=_k8s,
             inactive="", help="a lowercase DNS name such as orders.example.com, or empty"),
    Question("hpa", "Add a HorizontalPodAutoscaler?", "bool", when=_k8s, inactive=False),
    Question("hpa_max_replicas", "Autoscaler maximum replicas", "int", minimum=1, maximum=100,
             when=lambda a: bool(a.get("kubernetes") and a.get("hpa")), inactive=0,
             auto=lambda a: min(100, a["replicas"] * 3), help="1-100, at least the number of replicas"),
    Question("apparmor_profile", "AppArmor profile loaded on the hosts (empty: the runtime's default)",
             pattern=r"[a-z][a-z0-9_.-]{0,62}", max_length=63, when=_runs, inactive="",
             help="a profile name such as orders (load security/apparmor/NAME first), or empty"),
    Question("selinux_type", "SELinux type for the container", "choice", choices=lambda a: SELINUX_TYPES,
             when=_runs, inactive="none"),
    Question("overlays", "Kustomize overlays (comma separated environment names; empty: none)",
             pattern=DNS_LABEL + r"(," + DNS_LABEL + r"){0,7}", max_length=300, when=_k8s, inactive="",
             help="lowercase names such as staging,production (a-z, 0-9, '-'; at most 8)"),
]
