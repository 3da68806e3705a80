"""The run configuration as data: each control of CONTROLS.md present, answers validated, bad combos refused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.answers import resolve
from generator.errors import AnswerError, InputError
from generator.hookslib import check_combinations
from generator.jinja_ext import render_context
from generator.outputs import compose, kubernetes, security
from generator.questions import questions


def ctx(**given):
    return render_context({"_answers": {"service_name": "orders", "stack": "python", **given}})


def test_compose_service_carries_every_control():
    c = ctx(writable_paths="/var/cache/app", secrets="db-password", apparmor_profile="orders",
            selinux_type="container_t")
    doc = compose.document(c)
    svc = doc["services"]["orders"]
    assert svc["user"] == "65532:65532" and svc["read_only"] is True
    assert svc["cap_drop"] == ["ALL"] and "cap_add" not in svc
    assert svc["security_opt"] == ["no-new-privileges:true", "apparmor=orders", "label=type:container_t"]
    assert [t.split(":")[0] for t in svc["tmpfs"]] == ["/tmp", "/var/cache/app"]
    assert svc["healthcheck"]["test"][0] == "CMD" and len(svc["healthcheck"]["test"]) == len(c.runtime.healthcheck) + 1
    assert (svc["mem_limit"], svc["cpus"], svc["pids_limit"]) == ("256m", 0.1 * 5, 128)
    assert svc["restart"] == "on-failure:5"
    assert svc["ports"] == ["127.0.0.1:8000:8000"]
    assert svc["networks"] == ["orders"] and doc["networks"] == {"orders": {"driver": "bridge"}}
    assert svc["secrets"] == ["db-password"] and doc["secrets"] == {"db-password": {"file": "./secrets/db-password"}}
    assert svc["logging"]["options"] == {"max-size": "10m", "max-file": "3"}
    assert svc["image"] == "${ORDERS_IMAGE:-localhost/orders:0.1.0}" and svc["build"]["context"] == "."
    for forbidden in ("privileged", "network_mode", "pid", "ipc", "devices", "volumes", "cap_add"):
        assert forbidden not in svc


@pytest.mark.parametrize("stack", ["python", "dotnet"])
def test_compose_interpolation_leaves_the_probe_as_written(tmp_path, stack):
    """compose replaces `$x` in any value: the file must say `$$x` for the probe to see `$x`."""
    c = ctx(stack=stack)
    test = compose.document(c)["services"]["orders"]["healthcheck"]["test"]
    assert [arg.replace("$$", "$") for arg in test[1:]] == c.runtime.healthcheck
    assert all("$" not in arg.replace("$$", "") for arg in test)
    if stack == "dotnet":
        assert any("$$status" in arg for arg in test)


def test_deployment_carries_every_control():
    c = ctx(secrets="db-password")
    dep = kubernetes.deployment(c)
    pod = dep["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["securityContext"] == {"runAsNonRoot": True, "runAsUser": 65532, "runAsGroup": 65532,
                                      "fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}}
    assert pod["automountServiceAccountToken"] is False and pod["serviceAccountName"] == "orders"
    sc = container["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False and sc["readOnlyRootFilesystem"] is True
    assert sc["privileged"] is False and sc["capabilities"] == {"drop": ["ALL"]}
    assert sc["appArmorProfile"] == {"type": "RuntimeDefault"}
    assert container["imagePullPolicy"] == "Always"
    for kind in ("requests", "limits"):
        assert set(container["resources"][kind]) == {"cpu", "memory", "ephemeral-storage"}
    assert container["readinessProbe"] != container["livenessProbe"] and "startupProbe" in container
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {"/tmp", "/run/secrets"} <= mounts
    assert all("emptyDir" in v or "projected" in v for v in pod["volumes"])


def test_named_apparmor_profile_and_selinux_type_reach_the_container():
    sc = kubernetes.container_security(ctx(apparmor_profile="orders", selinux_type="container_kvm_t"))
    assert sc["appArmorProfile"] == {"type": "Localhost", "localhostProfile": "orders"}
    assert sc["seLinuxOptions"] == {"type": "container_kvm_t"}
    assert "orders" in security.apparmor_files(ctx(apparmor_profile="orders"))["security/apparmor/orders"]


def test_network_policies_deny_by_default_and_allow_port_and_dns():
    policies = kubernetes.network_policies(ctx())
    deny = policies["networkpolicy-default-deny.yaml"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    allow = policies["networkpolicy-allow.yaml"]["spec"]
    assert allow["ingress"] == [{"ports": [{"port": 8000, "protocol": "TCP"}]}]
    assert {p["port"] for p in allow["egress"][0]["ports"]} == {53}


def test_daemon_json_settings():
    data = json.loads(security.daemon_json())
    assert data["userns-remap"] and data["no-new-privileges"] is True and data["icc"] is False
    assert data["live-restore"] is True and data["userland-proxy"] is False and data["log-opts"]["max-size"]


def test_security_md_explains_the_exceptions():
    text = security.security_md(ctx())
    for needle in ("docker-bench-security", "Content Trust", "cosign", "apparmor_parser", "SELinux", "CKV_K8S_43"):
        assert needle in text


@pytest.mark.parametrize("given,key", [
    ({"uid": 1000}, "uid"),
    ({"gid": 999}, "gid"),
    ({"hpa": True, "replicas": 5, "hpa_max_replicas": 2}, "hpa_max_replicas"),
    ({"cpu_request": "900m", "cpu_limit": "500m"}, "cpu_request"),
    ({"secrets": "token", "writable_paths": "/run/secrets"}, "writable_paths"),
])
def test_impossible_combinations_are_refused(given, key):
    with pytest.raises(AnswerError) as err:
        check_combinations({"_answers": {"service_name": "orders", "stack": "python", **given}})
    assert err.value.key == key


def test_low_uid_is_fine_without_kubernetes():
    check_combinations({"_answers": {"service_name": "orders", "stack": "python", "uid": 1000, "kubernetes": False}})


@pytest.mark.parametrize("key,value", [
    ("namespace", "default"), ("namespace", "kube-system"), ("namespace", "Bad_NS"),
    ("cpu_limit", "1"), ("memory_limit", "256M"), ("bind_address", "localhost"), ("bind_address", "256.0.0.1"),
    ("secrets", "db_password"), ("secrets", "a,,b"), ("ingress_host", "-bad.example.com"),
    ("apparmor_profile", "unconfined profile"), ("selinux_type", "spc_t"), ("replicas", 0), ("pids_limit", 1),
    ("overlays", "../prod"), ("overlays", "Prod"),
])
def test_bad_values_are_refused(key, value):
    with pytest.raises(AnswerError) as err:
        resolve(questions(), {"service_name": "orders", "stack": "python", key: value})
    assert err.value.key == key


HOSTILE = st.one_of(
    st.text(min_size=1, max_size=300),
    st.sampled_from(["a\nb", "x'y", 'x"y', "$(id)", "`id`", "a\\b", "{{ 7*7 }}", "{% raw %}", "é", "a" * 10000,
                     "db-password\nprivileged: true", "127.0.0.1:22:22", "orders\n  cap_add: [ALL]"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(key=st.sampled_from(["namespace", "cpu_limit", "memory_limit", "ephemeral_storage", "bind_address",
                            "secrets", "ingress_host", "apparmor_profile", "selinux_type", "overlays"]),
       value=HOSTILE)
def test_hostile_values_are_refused_or_rendered_as_data(key, value):
    """A value either fails validation or reaches the YAML as exactly that value (never as structure)."""
    try:
        c = ctx(**{key: value})
    except InputError:
        return
    doc = yaml.safe_load(compose.files(c)["compose.yaml"])
    assert doc == compose.document(c)
    for text in kubernetes.files(c).values():
        assert all(d is None or isinstance(d, dict) for d in yaml.safe_load_all(text))


def test_dockseal_new_refuses_low_uid_with_kubernetes(tmp_path):
    target = tmp_path / "svc"
    proc = subprocess.run([sys.executable, "-m", "generator.cli", "new", str(target), "--no-input",
                           "--set", "stack=python", "--set", "uid=1000"], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "uid: 1000 is below 10000" in proc.stderr and "kubernetes=false" in proc.stderr
    assert not target.exists()


def dockseal_new(cwd, *args):
    return subprocess.run([sys.executable, "-m", "generator.cli", "new", *args], cwd=cwd, capture_output=True,
                          text=True)


def test_readme_examples(tmp_path):
    """The two commands of the README's run-configuration section, as written there."""
    proc = dockseal_new(tmp_path, "--no-input", "--set", "stack=python", "--set", "service_name=orders",
                        "--set", "ingress_host=orders.example.com", "--set", "hpa=true", "orders")
    assert proc.returncode == 0, proc.stderr
    for rel in ("compose.yaml", "k8s/base/kustomization.yaml", "k8s/base/ingress.yaml",
                "k8s/base/horizontalpodautoscaler.yaml", "SECURITY.md", "security/daemon.json",
                "security/apparmor/orders"):
        assert (tmp_path / "orders" / rel).is_file(), rel
    assert "${ORDERS_IMAGE:-" in (tmp_path / "orders/compose.yaml").read_text()
    proc = dockseal_new(tmp_path, "--no-input", "--set", "stack=go", "--set", "kubernetes=false", "--set", "uid=1000",
                        "--set", "gid=1000", "tool")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "tool/compose.yaml").is_file() and not (tmp_path / "tool/k8s").exists()
