"""The run-configuration matrix: every value of the compose/Kubernetes options, baked in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.answers import resolve
from generator.questions import questions
from generator.render import render

FULL: dict[str, Any] = {
    "uid": 10001, "gid": 10001, "port": 9000, "writable_paths": ["/var/cache/app", "/data"],
    "secrets": "db-password,api-key", "ingress_host": "orders.example.com", "hpa": True, "replicas": 3,
    "apparmor_profile": "orders", "selinux_type": "container_t", "cpu_request": "250m", "cpu_limit": "1000m",
    "memory_limit": "1Gi", "ephemeral_storage": "128Mi", "pids_limit": 256, "bind_address": "0.0.0.0",
    "namespace": "shop", "image_repository": "ghcr.io/acme/orders", "app_version": "2.3.4+build.7",
    "overlays": "staging,production",
}

MATRIX: list[tuple[str, dict[str, Any]]] = [
    ("python-defaults", {"stack": "python"}),
    ("node-defaults", {"stack": "node"}),
    ("go-full", {"stack": "go", **FULL}),
    ("python-full-kvm", {"stack": "python", **FULL, "selinux_type": "container_kvm_t", "hpa": False,
                         "replicas": 1}),
    ("node-k8s-only", {"stack": "node", "compose": False, "secrets": "token", "selinux_type": "container_init_t"}),
    ("go-compose-only-low-uid", {"stack": "go", "kubernetes": False, "uid": 1000, "gid": 1000,
                                 "apparmor_profile": "svc-go"}),
    ("python-neither", {"stack": "python", "compose": False, "kubernetes": False}),
]


def bake(answers: dict[str, Any], dest: Path) -> dict[str, Any]:
    """Render with dockseal's resolution and write the files under `dest`; returns the resolved answers."""
    resolved = resolve(questions(), {"service_name": "svc", **answers})
    for rel, content in render(resolved).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return resolved


def k8s_objects(root: Path) -> dict[Path, list[dict]]:
    """Every Kubernetes object file under k8s/, kustomization excluded."""
    return {p: [d for d in yaml.safe_load_all(p.read_text()) if d]
            for p in sorted((root / "k8s").rglob("*.yaml")) if p.name != "kustomization.yaml"}
