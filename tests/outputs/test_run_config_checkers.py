"""The baked run configuration against the real checkers: kubernetes-validate (1.30 and newest), one checkov
run over every baked directory, the compose-spec schema, AppArmor's parser, the PSS evaluator, kustomize."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from checkers import check_jsonschema, checkov_summary, kubernetes_validate, run
from conftest import need
from runbake import MATRIX, bake, k8s_objects

from generator.policy import pss

pytestmark = pytest.mark.slow
OLDEST_K8S = "1.30.0"  # securityContext.appArmorProfile exists from 1.30


@pytest.fixture(scope="module")
def baked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    root = tmp_path_factory.mktemp("run-config")
    return {name: (root / name, bake(answers, root / name)) for name, answers in MATRIX}


def newest_k8s() -> str:
    from kubernetes_validate import utils

    return utils.latest_version()


def test_outputs_follow_the_answers(baked):
    for name, (root, a) in baked.items():
        assert (root / "compose.yaml").is_file() == a["compose"], name
        assert (root / "k8s/base/kustomization.yaml").is_file() == a["kubernetes"], name
        assert (root / "k8s/base/ingress.yaml").is_file() == bool(a["kubernetes"] and a["ingress_host"]), name
        assert (root / "k8s/base/horizontalpodautoscaler.yaml").is_file() == bool(a["kubernetes"] and a["hpa"])
        assert (root / "SECURITY.md").is_file() and (root / "security/daemon.json").is_file()
        assert any((root / "security/apparmor").glob("*")) == bool(a["compose"] or a["kubernetes"]), name
        mine = [root / "compose.yaml", root / "SECURITY.md", *root.glob("k8s/**/*"), *root.glob("security/**/*")]
        for path in mine:
            if path.is_file():
                assert "{{" not in path.read_text(), path


@pytest.mark.parametrize("version", [OLDEST_K8S, "newest"])
def test_kubernetes_validate_strict(baked, version):
    files = [p for root, _ in baked.values() for p in k8s_objects(root)]
    assert files
    assert kubernetes_validate(files, newest_k8s() if version == "newest" else version) == ""


def test_checkov_kubernetes_has_no_failed_checks(baked):
    """One checkov process over every baked k8s directory (it takes seconds per run); the only skips are the
    documented CKV_K8S_43 annotations, one per Deployment."""
    summary, failed = checkov_summary(next(iter(baked.values()))[0].parent, "kubernetes")
    assert failed == [], [(f["check_id"], f["file_path"]) for f in failed]
    deployments = sum(1 for _, a in baked.values() if a["kubernetes"])
    assert summary["skipped"] == deployments and summary["parsing_errors"] == 0
    assert summary["passed"] > 50 * deployments and summary["resource_count"] >= 7 * deployments


def test_checkov_skips_only_the_documented_digest_check(baked):
    for root, a in baked.values():
        if a["kubernetes"]:
            deployment = yaml.safe_load((root / "k8s/base/deployment.yaml").read_text())
            skips = {k: v for k, v in deployment["metadata"]["annotations"].items() if k.startswith("checkov.io/")}
            assert list(skips.values()) and all(v.startswith("CKV_K8S_43=") for v in skips.values())


def test_compose_matches_the_compose_spec(baked):
    files = [root / "compose.yaml" for root, a in baked.values() if a["compose"]]
    assert files
    assert check_jsonschema("vendor.compose-spec", files) == ""


@pytest.mark.parametrize("version", ["v1.30", "latest"])
def test_every_pod_template_meets_restricted(baked, version):
    templates = 0
    for root, _ in baked.values():
        for path, docs in k8s_objects(root).items():
            for doc in docs:
                for template in pss.pod_specs(doc):
                    templates += 1
                    assert pss.evaluate(template, "restricted", version) == [], path
    assert templates == sum(1 for _, a in baked.values() if a["kubernetes"])


def test_namespace_enforces_restricted(baked):
    for root, a in baked.values():
        if a["kubernetes"]:
            labels = yaml.safe_load((root / "k8s/base/namespace.yaml").read_text())["metadata"]["labels"]
            for mode in ("enforce", "audit", "warn"):
                assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
                assert labels[f"pod-security.kubernetes.io/{mode}-version"]


def test_kustomization_resources_exist_and_cover_every_file(baked):
    for root, a in baked.values():
        if not a["kubernetes"]:
            continue
        base = root / "k8s/base"
        kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
        assert sorted(kustomization["resources"]) == sorted(p.name for p in base.glob("*.yaml")
                                                            if p.name != "kustomization.yaml")
        assert all((base / r).is_file() for r in kustomization["resources"])
        (image,) = kustomization["images"]
        assert image["name"] == a["image_repository"] and "digest" not in image  # pinned after the push
        for docs in k8s_objects(root).values():
            for doc in docs:
                if doc["kind"] != "Namespace":
                    assert doc["metadata"]["namespace"] == a["namespace"] == kustomization["namespace"]


def test_overlays_build_on_the_base(baked):
    seen = 0
    for root, a in baked.values():
        names = [o for o in a["overlays"].split(",") if o]
        assert sorted(p.name for p in (root / "k8s/overlays").glob("*")) == sorted(names) if names else \
            not (root / "k8s/overlays").exists()
        for name in names:
            overlay = root / "k8s/overlays" / name
            kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
            assert all((overlay / r / "kustomization.yaml").is_file() for r in kustomization["resources"])
            seen += 1
    assert seen


def test_apparmor_profiles_parse(baked, tmp_path):
    """apparmor_parser compiles each profile without loading it into the kernel."""
    parser = need("apparmor_parser")
    for root, a in baked.values():
        for profile in (root / "security/apparmor").glob("*"):
            proc = run([parser, "--skip-kernel-load", "--skip-cache", "--base", "/etc/apparmor.d",
                        "--quiet", str(profile)])
            assert proc.returncode == 0, proc.stderr
