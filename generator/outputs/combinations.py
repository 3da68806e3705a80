"""Answer combinations the run configuration cannot honour, refused before anything is rendered."""

from __future__ import annotations

from ..answers import Answers
from ..errors import AnswerError

K8S_MIN_ID = 10000  # checkov CKV_K8S_40 wants UID >= 10000; kube-score wants UID and GID >= 10000


def check_run_config(a: Answers) -> None:
    """Raise AnswerError (exit 2) naming the key to change."""
    if a.get("kubernetes"):
        for key in ("uid", "gid"):
            if a[key] < K8S_MIN_ID:
                raise AnswerError(key, f"{a[key]} is below {K8S_MIN_ID}, which Kubernetes checks (checkov CKV_K8S_40, "
                                       f"kube-score) refuse; use 65532 or another id >= {K8S_MIN_ID}, "
                                       "or --set kubernetes=false")
        if a.get("hpa") and a["hpa_max_replicas"] < a["replicas"]:
            raise AnswerError("hpa_max_replicas", f"{a['hpa_max_replicas']} is below replicas ({a['replicas']}); "
                                                  "the autoscaler's maximum must be at least the replica count")
    if a.get("compose") or a.get("kubernetes"):
        if int(a["cpu_request"][:-1]) > int(a["cpu_limit"][:-1]):
            raise AnswerError("cpu_request", f"{a['cpu_request']} is above cpu_limit ({a['cpu_limit']})")
        paths = a.get("writable_paths") or []
        if "/run/secrets" in paths and a.get("secrets"):
            raise AnswerError("writable_paths", "/run/secrets is where the secret files are mounted; "
                                                "choose another writable path")
