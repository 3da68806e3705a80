"""Every control catches its bad case and passes its good one; the catalog and its data agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from cases import CASES, GOOD_SERVICE, document
from generator.policy import audit_source
from generator.policy.controls import MODULES, metadata, registry
from generator.policy.finding import SEVERITIES
from generator.policy.sources import Source


def controls_found(tmp_path: Path, kind: str, case: str) -> set[str]:
    name, text = document(kind, case)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return {f.control for f in audit_source(Source(path, kind))}


@pytest.mark.parametrize("control,kind,catches,passes", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_catches(tmp_path, control, kind, catches, passes):
    assert control in controls_found(tmp_path, kind, catches)


@pytest.mark.parametrize("control,kind,catches,passes", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_passes(tmp_path, control, kind, catches, passes):
    assert control not in controls_found(tmp_path, kind, passes)


def test_every_control_has_cases_and_metadata():
    covered = {c[0] for c in CASES}
    ids = [m.ID for m in MODULES]
    assert len(ids) == len(set(ids))
    assert set(ids) <= covered
    assert set(metadata()) == set(ids) | {"DS000"}
    for control in registry().values():
        assert control.severity in SEVERITIES and control.title and control.rationale and control.fix
        assert control.references, control.id


def test_module_names_follow_ids():
    for module in MODULES:
        assert module.__name__.rsplit(".", 1)[1].startswith(module.ID.lower() + "_")


def test_hardened_compose_service_is_clean(tmp_path):
    assert controls_found(tmp_path, "compose", GOOD_SERVICE) == set()


def test_pod_templates_are_shared_only_while_the_audit_runs_on_the_object():
    from generator.policy.controls import ds206_k8s_sa_token
    from generator.policy.controls._k8s import auditing, templates

    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}
    with auditing(pod):
        assert templates(pod) is templates(pod)
    assert list(ds206_k8s_sa_token.check(pod))
    pod["kind"] = "ConfigMap"  # the same object, changed after its audit: nothing remembered of it
    assert templates(pod) == () and not list(ds206_k8s_sa_token.check(pod))
