"""Kubernetes manifests in a kustomize layout (`k8s/base`), one object per file, restricted by default.

The Deployment meets the Pod Security Standard "restricted" (checked by `generator.policy.pss` in the tests)
and checkov's Kubernetes checks. One documented exception: CKV_K8S_43 (image by digest) cannot hold for the
service's own image before it is built and pushed, so the image is written by tag here and the kustomization's
`images:` entry is where the pushed digest goes (`kustomize edit set image REPO@sha256:...` in CI, or by hand).
The Deployment carries a checkov skip annotation that says so; base images are pinned by digest in the
Dockerfile.
"""

from __future__ import annotations

from typing import Any

from ..jinja_ext import RenderContext
from . import common

BASE = "k8s/base"
PSS_VERSION = "latest"  # the PSA labels; the pods pass restricted at every version from v1.30 on (tested)


def labels(ctx: RenderContext) -> dict[str, str]:
    return {"app.kubernetes.io/name": ctx.a["service_name"], "app.kubernetes.io/component": "server"}


def selector(ctx: RenderContext) -> dict[str, str]:
    return {"app.kubernetes.io/name": ctx.a["service_name"]}


def meta(ctx: RenderContext, name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": ctx.a["namespace"], "labels": labels(ctx), **extra}


def namespace(ctx: RenderContext) -> dict[str, Any]:
    psa = {}
    for mode in ("enforce", "audit", "warn"):
        psa[f"pod-security.kubernetes.io/{mode}"] = "restricted"
        psa[f"pod-security.kubernetes.io/{mode}-version"] = PSS_VERSION
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ctx.a["namespace"], "labels": psa}}


def service_account(ctx: RenderContext) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(ctx, ctx.a["service_name"]),
            "automountServiceAccountToken": False}


def volumes(ctx: RenderContext) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """emptyDir volumes for /tmp and the writable paths, and a projected volume for the secret files."""
    a = ctx.a
    vols, mounts = [], []
    for i, path in enumerate(common.writable_paths(a)):
        name = "tmp" if path == common.TMP else f"writable-{i}"
        vols.append({"name": name, "emptyDir": {"sizeLimit": a["ephemeral_storage"]}})
        mounts.append({"name": name, "mountPath": path})
    secrets = common.secret_names(a)
    if secrets:
        sources = [{"secret": {"name": f"{a['service_name']}-{s}", "items": [{"key": s, "path": s}]}}
                   for s in secrets]
        vols.append({"name": "secrets", "projected": {"defaultMode": 0o440, "sources": sources}})
        mounts.append({"name": "secrets", "mountPath": "/run/secrets", "readOnly": True})
    return vols, mounts


def container_security(ctx: RenderContext) -> dict[str, Any]:
    a = ctx.a
    sc: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": a["uid"],
        "runAsGroup": a["gid"],
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    if a.get("apparmor_profile"):
        sc["appArmorProfile"] = {"type": "Localhost", "localhostProfile": a["apparmor_profile"]}
    else:
        sc["appArmorProfile"] = {"type": "RuntimeDefault"}
    if common.selinux_type(a):
        sc["seLinuxOptions"] = {"type": common.selinux_type(a)}
    return sc


def probes(ctx: RenderContext) -> dict[str, Any]:
    """Readiness and startup ask the HTTP endpoint (a TCP connect for stacks that speak another protocol, such
    as php-fpm's FastCGI); liveness runs the image's own health command (distinct)."""
    from generator import stacks

    if stacks.serves_http(ctx.a["stack"]):
        check: dict[str, Any] = {"httpGet": {"path": ctx.a["health_path"], "port": "http"}}
    else:
        check = {"tcpSocket": {"port": "http"}}
    return {
        "startupProbe": {**check, "periodSeconds": 5, "timeoutSeconds": 3, "failureThreshold": 30},
        "readinessProbe": {**check, "periodSeconds": 10, "timeoutSeconds": 3, "failureThreshold": 3},
        "livenessProbe": {"exec": {"command": list(ctx.runtime.healthcheck)}, "periodSeconds": 30,
                          "timeoutSeconds": 5, "failureThreshold": 3},
    }


def deployment(ctx: RenderContext) -> dict[str, Any]:
    a = ctx.a
    vols, mounts = volumes(ctx)
    resources = {
        "requests": {"cpu": a["cpu_request"], "memory": a["memory_limit"], "ephemeral-storage": a["ephemeral_storage"]},
        "limits": {"cpu": a["cpu_limit"], "memory": a["memory_limit"], "ephemeral-storage": a["ephemeral_storage"]},
    }
    container = {
        "name": a["service_name"],
        "image": common.service_image(a),
        "imagePullPolicy": "Always",
        "ports": [{"name": "http", "containerPort": a["port"], "protocol": "TCP"}],
        **probes(ctx),
        "resources": resources,
        "securityContext": container_security(ctx),
        "volumeMounts": mounts,
    }
    pod_security: dict[str, Any] = {
        "runAsNonRoot": True, "runAsUser": a["uid"], "runAsGroup": a["gid"], "fsGroup": a["gid"],
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    skip = ("CKV_K8S_43=the service image has no digest before it is pushed; the kustomization images: entry "
            "is set to the pushed repo@sha256 digest by CI or dockseal pin")
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(ctx, a["service_name"], annotations={"checkov.io/skip1": skip}),
        "spec": {
            "replicas": a["replicas"],
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(ctx)},
            "template": {
                "metadata": {"labels": labels(ctx)},
                "spec": {
                    "serviceAccountName": a["service_name"],
                    "automountServiceAccountToken": False,
                    "enableServiceLinks": False,
                    "securityContext": pod_security,
                    "containers": [container],
                    "volumes": vols,
                },
            },
        },
    }


def service(ctx: RenderContext) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta(ctx, ctx.a["service_name"]),
            "spec": {"type": "ClusterIP", "selector": selector(ctx),
                     "ports": [{"name": "http", "port": ctx.a["port"], "targetPort": "http", "protocol": "TCP"}]}}


def network_policies(ctx: RenderContext) -> dict[str, dict[str, Any]]:
    """Deny all traffic in the namespace, then allow the app port in and DNS out."""
    a = ctx.a
    dns_peer = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
    return {
        "networkpolicy-default-deny.yaml": {
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(ctx, "default-deny"),
            "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}},
        "networkpolicy-allow.yaml": {
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(ctx, f"{a['service_name']}-allow"),
            "spec": {
                "podSelector": {"matchLabels": selector(ctx)},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [{"ports": [{"port": a["port"], "protocol": "TCP"}]}],
                "egress": [{"to": [dns_peer], "ports": [{"port": 53, "protocol": "UDP"},
                                                       {"port": 53, "protocol": "TCP"}]}],
            }},
    }


def pdb(ctx: RenderContext) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta(ctx, ctx.a["service_name"]),
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(ctx)}}}


def hpa(ctx: RenderContext) -> dict[str, Any]:
    a = ctx.a
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta(ctx, a["service_name"]),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": a["service_name"]},
            "minReplicas": a["replicas"], "maxReplicas": a["hpa_max_replicas"],
            "metrics": [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 75}}}],
        },
    }


def ingress(ctx: RenderContext) -> dict[str, Any]:
    a = ctx.a
    backend = {"service": {"name": a["service_name"], "port": {"name": "http"}}}
    return {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta(ctx, a["service_name"]),
        "spec": {
            "tls": [{"hosts": [a["ingress_host"]], "secretName": f"{a['service_name']}-tls"}],
            "rules": [{"host": a["ingress_host"], "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": backend}]}}],
        },
    }


def resources(ctx: RenderContext) -> dict[str, dict[str, Any]]:
    """file name in k8s/base -> object, in the order kustomize lists them."""
    out = {
        "namespace.yaml": namespace(ctx),
        "serviceaccount.yaml": service_account(ctx),
        "deployment.yaml": deployment(ctx),
        "service.yaml": service(ctx),
        **network_policies(ctx),
        "poddisruptionbudget.yaml": pdb(ctx),
    }
    if ctx.a.get("hpa"):
        out["horizontalpodautoscaler.yaml"] = hpa(ctx)
    if ctx.a.get("ingress_host"):
        out["ingress.yaml"] = ingress(ctx)
    return out


def kustomization(ctx: RenderContext, names: list[str]) -> dict[str, Any]:
    a = ctx.a
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": a["namespace"],
        "resources": names,
        "images": [{"name": a["image_repository"], "newTag": common.image_tag(a["app_version"])}],
    }


def header(ctx: RenderContext, what: str) -> str:
    a = ctx.a
    text = f"Generated by dockseal {ctx.version}: {what}. Apply with: kubectl apply -k k8s/base"
    if what == "kustomization":
        text += f"""
After the image is pushed, pin it by digest (checkov CKV_K8S_43), e.g. in CI:
  cd k8s/base && kustomize edit set image {a['image_repository']}=$PUSHED_REPO@$DIGEST   (DIGEST: what the push printed)
Secrets are files under /run/secrets; create each one with:
  kubectl -n {a['namespace']} create secret generic {a['service_name']}-NAME --from-file=NAME=./secrets/NAME"""
    return text


def overlay(ctx: RenderContext, name: str) -> dict[str, Any]:
    """An environment's kustomization: the base, plus a place for that environment's patches."""
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": ["../../base"],
            "labels": [{"pairs": {"app.kubernetes.io/instance": f"{ctx.a['service_name']}-{name}"}}]}


def files(ctx: RenderContext) -> dict[str, str]:
    objects = resources(ctx)
    out = {f"{BASE}/{name}": common.dump(header(ctx, f"{obj['kind']} {obj['metadata']['name']}"), obj)
           for name, obj in objects.items()}
    out[f"{BASE}/kustomization.yaml"] = common.dump(header(ctx, "kustomization"), kustomization(ctx, list(objects)))
    for name in [o for o in (ctx.a.get("overlays") or "").split(",") if o]:
        text = (f"Generated by dockseal {ctx.version}: the {name} overlay. Apply with: kubectl apply -k "
                f"k8s/overlays/{name}\nAdd this environment's patches here (replicas, resources, ingress host).")
        out[f"k8s/overlays/{name}/kustomization.yaml"] = common.dump(text, overlay(ctx, name))
    return out
