"""Pod Security Standards evaluator: one "catches / passes" pair per upstream check, plus versions and kinds."""

from __future__ import annotations

import copy

import pytest

from generator.policy import pss


def good_pod() -> dict:
    """A pod that meets restricted at every version."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "securityContext": {"runAsNonRoot": True, "runAsUser": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "app",
                "image": "example.org/app@sha256:" + "0" * 64,
                "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
            }],
            "volumes": [{"name": "tmp", "emptyDir": {}}],
        },
    }


def ids(manifest: dict, level: str = "restricted", version: str = "latest") -> set[str]:
    return {v.check_id for t in pss.pod_specs(manifest) for v in pss.evaluate(t, level, version)}


def with_(path: str, value, base: dict | None = None) -> dict:
    """A copy of the good pod with `value` set at a dotted path inside the pod (`[0]` indexes lists)."""
    pod = copy.deepcopy(base or good_pod())
    node = pod
    parts = path.split(".")
    for part in parts[:-1]:
        key, _, idx = part.partition("[")
        node = node.setdefault(key, [] if idx else {})
        if idx:
            node = node[int(idx[:-1])]
    node[parts[-1]] = value
    return pod


def test_good_pod_passes_both_levels_at_every_version():
    for version in ("v1.0", "v1.19", "v1.25", "v1.30", "v1.34", "latest"):
        assert ids(good_pod(), "restricted", version) == set(), version
        assert ids(good_pod(), "baseline", version) == set(), version


CATCHES = [
    # (check id, level, path inside the pod, bad value)
    ("hostNamespaces", "baseline", "spec.hostNetwork", True),
    ("hostNamespaces", "baseline", "spec.hostPID", True),
    ("hostNamespaces", "baseline", "spec.hostIPC", True),
    ("privileged", "baseline", "spec.containers[0].securityContext.privileged", True),
    ("capabilities_baseline", "baseline", "spec.containers[0].securityContext.capabilities",
     {"drop": ["ALL"], "add": ["SYS_ADMIN"]}),
    ("hostPathVolumes", "baseline", "spec.volumes", [{"name": "h", "hostPath": {"path": "/"}}]),
    ("hostPorts", "baseline", "spec.containers[0].ports", [{"containerPort": 8080, "hostPort": 8080}]),
    ("appArmorProfile", "baseline", "spec.containers[0].securityContext.appArmorProfile", {"type": "Unconfined"}),
    ("appArmorProfile", "baseline", "spec.securityContext.appArmorProfile", {"type": "Unconfined"}),
    ("appArmorProfile", "baseline", "metadata.annotations",
     {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}),
    ("seLinuxOptions", "baseline", "spec.securityContext.seLinuxOptions", {"type": "spc_t"}),
    ("seLinuxOptions", "baseline", "spec.containers[0].securityContext.seLinuxOptions", {"user": "system_u"}),
    ("seLinuxOptions", "baseline", "spec.containers[0].securityContext.seLinuxOptions", {"role": "sysadm_r"}),
    ("procMount", "baseline", "spec.containers[0].securityContext.procMount", "Unmasked"),
    ("seccompProfile_baseline", "baseline", "spec.containers[0].securityContext.seccompProfile",
     {"type": "Unconfined"}),
    ("sysctls", "baseline", "spec.securityContext.sysctls", [{"name": "kernel.msgmax", "value": "1"}]),
    ("windowsHostProcess", "baseline", "spec.containers[0].securityContext.windowsOptions", {"hostProcess": True}),
    ("hostProbesAndHostLifecycle", "baseline", "spec.containers[0].readinessProbe",
     {"httpGet": {"path": "/", "port": 8080, "host": "10.0.0.1"}}),
    ("hostProbesAndHostLifecycle", "baseline", "spec.containers[0].lifecycle",
     {"preStop": {"tcpSocket": {"port": 8080, "host": "example.org"}}}),
    ("restrictedVolumes", "restricted", "spec.volumes", [{"name": "n", "nfs": {"server": "s", "path": "/"}}]),
    ("restrictedVolumes", "restricted", "spec.volumes", [{"name": "h", "hostPath": {"path": "/"}}]),
    ("allowPrivilegeEscalation", "restricted", "spec.containers[0].securityContext.allowPrivilegeEscalation", True),
    ("runAsNonRoot", "restricted", "spec.securityContext.runAsNonRoot", False),
    ("runAsNonRoot", "restricted", "spec.containers[0].securityContext.runAsNonRoot", False),
    ("runAsUser", "restricted", "spec.containers[0].securityContext.runAsUser", 0),
    ("runAsUser", "restricted", "spec.securityContext.runAsUser", 0),
    ("seccompProfile_restricted", "restricted", "spec.securityContext.seccompProfile", {"type": "Unconfined"}),
    ("capabilities_restricted", "restricted", "spec.containers[0].securityContext.capabilities", {"drop": ["NET_RAW"]}),
    ("capabilities_restricted", "restricted", "spec.containers[0].securityContext.capabilities",
     {"drop": ["ALL"], "add": ["CHOWN"]}),
    ("procMount_restricted", "restricted", "spec.containers[0].securityContext.procMount", "Unmasked"),
]


@pytest.mark.parametrize("check_id,level,path,value", CATCHES, ids=[f"{c[0]}:{c[2]}" for c in CATCHES])
def test_catches(check_id, level, path, value):
    found = pss.evaluate(next(pss.pod_specs(with_(path, value))), level)
    assert check_id in {v.check_id for v in found}
    assert all(v.field_path.startswith(("spec.", "metadata.")) for v in found)
    if level == "baseline":  # restricted includes every baseline check, or the check that overrides it
        assert pss.evaluate(next(pss.pod_specs(with_(path, value))), "restricted")


PASSES = [
    ("spec.containers[0].securityContext.capabilities", {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}),
    ("spec.containers[0].securityContext.appArmorProfile", {"type": "Localhost", "localhostProfile": "svc"}),
    ("spec.securityContext.appArmorProfile", {"type": "RuntimeDefault"}),
    ("metadata.annotations", {"container.apparmor.security.beta.kubernetes.io/app": "localhost/svc"}),
    ("spec.securityContext.seLinuxOptions", {"type": "container_t", "level": "s0:c123,c456"}),
    ("spec.containers[0].securityContext.procMount", "Default"),
    ("spec.containers[0].securityContext.seccompProfile", {"type": "Localhost", "localhostProfile": "p.json"}),
    ("spec.securityContext.sysctls", [{"name": "net.ipv4.ip_unprivileged_port_start", "value": "0"}]),
    ("spec.containers[0].ports", [{"containerPort": 8080, "hostPort": 0}]),
    ("spec.containers[0].readinessProbe", {"httpGet": {"path": "/", "port": 8080}}),
    ("spec.volumes", [{"name": "c", "configMap": {"name": "c"}}, {"name": "s", "secret": {"secretName": "s"}},
                      {"name": "p", "projected": {"sources": []}}, {"name": "v", "persistentVolumeClaim":
                                                                       {"claimName": "v"}}]),
    ("spec.securityContext.runAsUser", 65532),
]


@pytest.mark.parametrize("path,value", PASSES, ids=[p[0] for p in PASSES])
def test_passes(path, value):
    assert ids(with_(path, value)) == set()


def test_container_level_settings_can_stand_in_for_the_pod_level():
    pod = good_pod()
    del pod["spec"]["securityContext"]
    pod["spec"]["containers"][0]["securityContext"].update(runAsNonRoot=True, seccompProfile={"type": "RuntimeDefault"})
    assert ids(pod) == set()


def test_missing_settings_are_violations_in_every_container_kind():
    pod = good_pod()
    pod["spec"]["initContainers"] = [{"name": "init", "image": "x"}]
    pod["spec"]["ephemeralContainers"] = [{"name": "debug", "image": "x"}]
    del pod["spec"]["securityContext"]
    found = pss.evaluate(next(pss.pod_specs(pod)))
    paths = {v.field_path for v in found}
    assert "spec.initContainers[0].securityContext.allowPrivilegeEscalation" in paths
    assert "spec.ephemeralContainers[0].securityContext.capabilities.drop" in paths
    assert {"runAsNonRoot", "seccompProfile_restricted", "allowPrivilegeEscalation", "capabilities_restricted"} \
        <= {v.check_id for v in found}


def test_restricted_overrides_its_baseline_counterparts():
    found = pss.evaluate(next(pss.pod_specs(with_("spec.volumes", [{"name": "h", "hostPath": {"path": "/"}}]))))
    assert {v.check_id for v in found} == {"restrictedVolumes"}  # not also hostPathVolumes
    caps = with_("spec.containers[0].securityContext.capabilities", {"drop": ["ALL"], "add": ["SYS_ADMIN"]})
    assert ids(caps) == {"capabilities_restricted"}
    assert ids(caps, "baseline") == {"capabilities_baseline"}


@pytest.mark.parametrize("path,value,allowed_from", [
    ("spec.securityContext.sysctls", [{"name": "net.ipv4.ip_local_reserved_ports", "value": "1"}], "v1.27"),
    ("spec.securityContext.sysctls", [{"name": "net.ipv4.tcp_keepalive_time", "value": "1"}], "v1.29"),
    ("spec.securityContext.sysctls", [{"name": "net.ipv4.tcp_rmem", "value": "1 2 3"}], "v1.32"),
    ("spec.securityContext.seLinuxOptions", {"type": "container_engine_t"}, "v1.31"),
])
def test_relaxations_apply_from_their_policy_version(path, value, allowed_from):
    major, minor = pss.parse_version(allowed_from)
    assert ids(with_(path, value), "baseline", f"v{major}.{minor - 1}")
    assert not ids(with_(path, value), "baseline", allowed_from)


def test_checks_added_later_do_not_apply_to_older_versions():
    probe = with_("spec.containers[0].livenessProbe", {"tcpSocket": {"port": 8080, "host": "h"}})
    assert ids(probe, "baseline", "v1.33") == set()
    assert ids(probe, "baseline", "v1.34") == {"hostProbesAndHostLifecycle"}
    root = with_("spec.securityContext.runAsUser", 0)
    assert "runAsUser" not in ids(root, "restricted", "v1.22")
    assert "runAsUser" in ids(root, "restricted", "v1.23")


def test_user_namespace_relaxation_from_1_35():
    pod = with_("spec.hostUsers", False)
    pod["spec"]["securityContext"] = {"runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}}
    assert {"runAsNonRoot", "runAsUser"} <= ids(pod, "restricted", "v1.34")
    assert not {"runAsNonRoot", "runAsUser"} & ids(pod, "restricted", "v1.35")
    unmasked = with_("spec.containers[0].securityContext.procMount", "Unmasked", pod)
    assert "procMount" not in ids(unmasked, "baseline", "v1.35")
    assert "procMount_restricted" in ids(unmasked, "restricted", "v1.35")


def test_windows_pods_are_exempt_from_linux_only_checks_from_1_25():
    pod = good_pod()
    pod["spec"]["os"] = {"name": "windows"}
    pod["spec"]["containers"][0]["securityContext"] = {}
    del pod["spec"]["securityContext"]["seccompProfile"]
    assert ids(pod, "restricted", "v1.24") >= {"allowPrivilegeEscalation", "capabilities_restricted",
                                               "seccompProfile_restricted"}
    assert ids(pod, "restricted", "v1.25") == set()


@pytest.mark.parametrize("kind,wrap", [
    ("Deployment", lambda t: {"spec": {"template": t}}),
    ("StatefulSet", lambda t: {"spec": {"template": t}}),
    ("DaemonSet", lambda t: {"spec": {"template": t}}),
    ("ReplicaSet", lambda t: {"spec": {"template": t}}),
    ("ReplicationController", lambda t: {"spec": {"template": t}}),
    ("Job", lambda t: {"spec": {"template": t}}),
    ("CronJob", lambda t: {"spec": {"jobTemplate": {"spec": {"template": t}}}}),
])
def test_pod_specs_finds_templates_of_every_workload_kind(kind, wrap):
    bad = with_("spec.hostPID", True)
    manifest = {"kind": kind, "metadata": {"name": "w"}, **wrap({"metadata": bad["metadata"], "spec": bad["spec"]})}
    (template,) = pss.pod_specs(manifest)
    assert (template.kind, template.name) == (kind, "w")
    (violation,) = pss.evaluate(template)
    assert violation.field_path.endswith("template.spec.hostPID")


def test_pod_specs_ignores_other_kinds_and_walks_lists():
    assert list(pss.pod_specs({"kind": "Service", "spec": {}})) == []
    assert list(pss.pod_specs("not a manifest")) == []
    assert len(list(pss.pod_specs({"kind": "List", "items": [good_pod(), good_pod()]}))) == 2


def test_a_bare_spec_can_be_evaluated():
    assert pss.evaluate(with_("spec.hostIPC", True)["spec"]) == [
        pss.Violation("hostNamespaces", "baseline", "hostIPC=true is forbidden", "spec.hostIPC")]


def test_bad_level_or_version_is_refused():
    with pytest.raises(ValueError):
        pss.evaluate(good_pod()["spec"], "strict")
    with pytest.raises(ValueError):
        pss.evaluate(good_pod()["spec"], "restricted", "one")
    assert pss.parse_version("v1.99") == pss.LATEST


def test_own_level_only_is_the_level_filter_of_a_full_evaluation():
    """The audit's restricted control skips the baseline checks; what it reports must not change."""
    import random
    import sys
    from pathlib import Path

    import yaml

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from audit_corpus import manifest  # noqa: E402  (the benchmark's varied, mostly non-compliant workloads)

    rng = random.Random(7)
    docs = [d for n in range(120) for d in yaml.safe_load_all(manifest(rng, n)) if d]
    for doc in docs:
        for template in pss.pod_specs(doc):
            for level in pss.LEVELS:
                full = [v for v in pss.evaluate(template, level) if v.level == level]
                assert pss.evaluate(template, level, own_level_only=True) == full
