"""Pod Security Standards (baseline and restricted), evaluated offline on manifests as plain dicts.

Follows the upstream pod-security-admission checks (`policy/check_*.go` in kubernetes/kubernetes) field for
field, with their check IDs and policy versions, so a template that passes here is admitted by a namespace
labelled `pod-security.kubernetes.io/enforce: restricted` at the same version. Where upstream revised a check at
a later policy version (sysctls, SELinux types, probe hosts, user-namespace relaxations, Windows exemptions) the
revision applies from that version on; `latest` is the newest revision known here, as upstream resolves it.

Public API: `pod_specs(manifest)` finds every pod template in a manifest; `evaluate(template_or_spec, level,
version)` returns one `Violation` per offending field (upstream reports one line per check; a field path per
finding is more useful to someone fixing a file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Callable, Iterator, NamedTuple

BASELINE = "baseline"
RESTRICTED = "restricted"
LEVELS = (BASELINE, RESTRICTED)

Version = tuple[int, int]
LATEST: Version = (1, 37)  # the newest MinimumVersion registered below (sysctls)


class PodTemplate(NamedTuple):
    """One pod template found in a manifest; `path` is where its pod spec sits (for field paths)."""

    kind: str
    name: str
    metadata: dict
    spec: dict
    path: str = "spec"

    @property
    def metadata_path(self) -> str:
        return self.path[: -len("spec")] + "metadata" if self.path.endswith("spec") else "metadata"


class Violation(NamedTuple):
    """A field that the standard forbids at `level` (the level of the check that failed)."""

    check_id: str
    level: str
    message: str
    field_path: str


# Where each workload kind keeps its pod template (relative to the object).
_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
}


def list_items(manifest: Any) -> list | None:
    """The items of a `List` (or `PodList`, `DeploymentList`...) object; None for any other object."""
    kind = manifest.get("kind") if isinstance(manifest, dict) else None
    items = manifest.get("items") if isinstance(kind, str) and kind.endswith("List") else None
    return items if isinstance(items, list) else None


def pod_specs(manifest: Any) -> Iterator[PodTemplate]:
    """Every pod template in a manifest object (a `List` is walked); other kinds yield nothing."""
    if not isinstance(manifest, dict):
        return
    items = list_items(manifest)
    if items is not None:
        for item in items:
            yield from pod_specs(item)
        return
    kind = manifest.get("kind")
    if kind not in _TEMPLATE_PATHS:
        return
    name = str((manifest.get("metadata") or {}).get("name") or "")
    node: Any = manifest
    for key in _TEMPLATE_PATHS[kind]:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return
    spec = node.get("spec")
    if not isinstance(spec, dict):
        return
    metadata = node.get("metadata") if isinstance(node.get("metadata"), dict) else {}
    path = ".".join((*_TEMPLATE_PATHS[kind], "spec"))
    yield PodTemplate(kind, name, metadata, spec, path)


def parse_version(version: str | Version) -> Version:
    """`latest`, `v1.30` or `1.30` -> (1, 30); later minors than known resolve to `latest`, as upstream does."""
    if isinstance(version, tuple):
        parsed = version
    elif version == "latest":
        return LATEST
    else:
        match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.\d+)?", str(version).strip())
        if not match:
            raise ValueError(f"not a policy version: {version!r} (use latest or v1.MINOR)")
        parsed = (int(match.group(1)), int(match.group(2)))
    return min(parsed, LATEST)


# -- helpers ------------------------------------------------------------------------------------------------

def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


@dataclass
class _Pod:
    """A pod spec with the paths needed to name fields in findings."""

    spec: dict
    metadata: dict
    spec_path: str
    metadata_path: str

    @property
    def security(self) -> dict:
        return _d(self.spec.get("securityContext"))

    def containers(self) -> tuple[tuple[dict, str], ...]:
        """Init, regular and ephemeral containers, in upstream's visiting order, with their paths."""
        return self._containers

    @cached_property
    def _containers(self) -> tuple[tuple[dict, str], ...]:
        # Computed once: every check walks the containers, and the paths are formatted strings.
        return tuple((container, f"{self.spec_path}.{key}[{i}]")
                     for key in ("initContainers", "containers", "ephemeralContainers")
                     for i, container in enumerate(_l(self.spec.get(key))) if isinstance(container, dict))

    @cached_property
    def security_contexts(self) -> tuple[tuple[dict, str, str], ...]:
        """(securityContext, its path, who set it) for the pod and each container."""
        return ((self.security, f"{self.spec_path}.securityContext", "pod"),) + tuple(
            (_d(c.get("securityContext")), f"{p}.securityContext", f"container {c.get('name')!r}")
            for c, p in self.containers())

    @property
    def windows(self) -> bool:
        return _d(self.spec.get("os")).get("name") == "windows"

    @property
    def user_namespace(self) -> bool:
        return self.spec.get("hostUsers") is False


@dataclass(frozen=True)
class _Check:
    id: str
    level: str
    versions: tuple[tuple[Version, Callable[[_Pod, Version], list[tuple[str, str]]]], ...]
    overrides: tuple[str, ...] = field(default=())

    def at(self, version: Version) -> Callable[[_Pod, Version], list[tuple[str, str]]] | None:
        chosen = None
        for minimum, fn in self.versions:
            if version >= minimum:
                chosen = fn
        return chosen


# -- baseline ---------------------------------------------------------------------------------------------

def _host_namespaces(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{pod.spec_path}.{key}", f"{key}=true is forbidden") for key in ("hostNetwork", "hostPID", "hostIPC")
            if pod.spec.get(key) is True]


def _privileged(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{p}.securityContext.privileged", f"container {c.get('name')!r} must not set privileged=true")
            for c, p in pod.containers() if _d(c.get("securityContext")).get("privileged") is True]


_CAPS_BASELINE = {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
                  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}


def _capabilities_baseline(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    for c, p in pod.containers():
        for i, cap in enumerate(_l(_d(_d(c.get("securityContext")).get("capabilities")).get("add"))):
            if cap not in _CAPS_BASELINE:
                out.append((f"{p}.securityContext.capabilities.add[{i}]",
                            f"container {c.get('name')!r} must not add capability {cap!r}"))
    return out


def _host_path_volumes(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{pod.spec_path}.volumes[{i}].hostPath", f"hostPath volume {vol.get('name')!r} is forbidden")
            for i, vol in enumerate(_l(pod.spec.get("volumes"))) if isinstance(vol, dict) and "hostPath" in vol]


def _host_ports(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    for c, p in pod.containers():
        for i, port in enumerate(_l(c.get("ports"))):
            if _d(port).get("hostPort") not in (None, 0):
                out.append((f"{p}.ports[{i}].hostPort",
                            f"container {c.get('name')!r} must not use hostPort {port['hostPort']}"))
    return out


_APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def _apparmor(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    """Annotation channel (all versions) and the `appArmorProfile` field (checked at every policy version)."""
    out = []
    for key, value in sorted(_d(pod.metadata.get("annotations")).items()):
        if str(key).startswith(_APPARMOR_ANNOTATION) and not (
                value in ("", "runtime/default") or str(value).startswith("localhost/")):
            out.append((f"{pod.metadata_path}.annotations[{key}]", f"AppArmor profile {value!r} is forbidden"))
    for sc, path, who in pod.security_contexts:
        profile = sc.get("appArmorProfile")
        if isinstance(profile, dict) and profile.get("type") not in ("RuntimeDefault", "Localhost"):
            out.append((f"{path}.appArmorProfile.type",
                        f"{who} must not set appArmorProfile.type={profile.get('type')!r}"))
    return out


_SELINUX_TYPES_1_0 = {"", "container_t", "container_init_t", "container_kvm_t"}
_SELINUX_TYPES_1_31 = _SELINUX_TYPES_1_0 | {"container_engine_t"}


def _selinux(allowed: set[str]) -> Callable[[_Pod, Version], list[tuple[str, str]]]:
    def check(pod: _Pod, v: Version) -> list[tuple[str, str]]:
        out = []
        for sc, path, who in pod.security_contexts:
            opts = sc.get("seLinuxOptions")
            if not isinstance(opts, dict):
                continue
            if opts.get("type", "") not in allowed:
                out.append((f"{path}.seLinuxOptions.type", f"{who} must not set SELinux type {opts.get('type')!r}"))
            for key in ("user", "role"):
                if opts.get(key):
                    out.append((f"{path}.seLinuxOptions.{key}", f"{who} must not set SELinux {key}"))
        return out
    return check


def _proc_mount(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{p}.securityContext.procMount",
             f"container {c.get('name')!r} must not set procMount={_d(c.get('securityContext')).get('procMount')!r}")
            for c, p in pod.containers()
            if _d(c.get("securityContext")).get("procMount") not in (None, "Default")]


def _exempting(check: Callable[[_Pod, Version], list[tuple[str, str]]],
               exempt: Callable[[_Pod], bool]) -> Callable[[_Pod, Version], list[tuple[str, str]]]:
    """A later revision of a check: the same rule, skipped for pods upstream exempts (Windows, user namespaces)."""
    def revised(pod: _Pod, v: Version) -> list[tuple[str, str]]:
        return [] if exempt(pod) else check(pod, v)
    return revised


def _windows(pod: _Pod) -> bool:
    return pod.windows


def _userns(pod: _Pod) -> bool:
    return pod.user_namespace


_SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
_SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def _seccomp_baseline_1_0(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    for key, value in sorted(_d(pod.metadata.get("annotations")).items()):
        if (key == _SECCOMP_POD_ANNOTATION or str(key).startswith(_SECCOMP_CONTAINER_ANNOTATION)) \
                and value == "unconfined":
            out.append((f"{pod.metadata_path}.annotations[{key}]", "seccomp profile 'unconfined' is forbidden"))
    return out




def _seccomp_baseline_1_19(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{path}.seccompProfile.type", f"{who} must not set seccompProfile.type=Unconfined")
            for sc, path, who in pod.security_contexts if _d(sc.get("seccompProfile")).get("type") == "Unconfined"]


_SYSCTLS = [
    ((1, 0), {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
              "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"}),
    ((1, 27), {"net.ipv4.ip_local_reserved_ports"}),
    ((1, 29), {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
               "net.ipv4.tcp_keepalive_probes"}),
    ((1, 32), {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}),
    ((1, 37), {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}),
]


def _sysctls(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    allowed = set().union(*(names for minimum, names in _SYSCTLS if v >= minimum))
    return [(f"{pod.spec_path}.securityContext.sysctls[{i}].name", f"sysctl {_d(s).get('name')!r} is forbidden")
            for i, s in enumerate(_l(pod.security.get("sysctls"))) if _d(s).get("name") not in allowed]


def _windows_host_process(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{path}.windowsOptions.hostProcess", f"{who} must not set windowsOptions.hostProcess=true")
            for sc, path, who in pod.security_contexts if _d(sc.get("windowsOptions")).get("hostProcess") is True]


def _probe_hosts(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    for c, p in pod.containers():
        handlers = [(probe, _d(c.get(probe))) for probe in ("livenessProbe", "readinessProbe", "startupProbe")]
        handlers += [(f"lifecycle.{hook}", _d(_d(c.get("lifecycle")).get(hook))) for hook in ("postStart", "preStop")]
        for where, handler in handlers:
            for action in ("httpGet", "tcpSocket"):
                host = _d(handler.get(action)).get("host")
                if host:
                    out.append((f"{p}.{where}.{action}.host",
                                f"container {c.get('name')!r} must not set a probe or lifecycle host ({host!r})"))
    return out


# -- restricted -------------------------------------------------------------------------------------------

_ALLOWED_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                         "persistentVolumeClaim", "projected", "secret"}


def _restricted_volumes(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    for i, vol in enumerate(_l(pod.spec.get("volumes"))):
        kinds = [k for k in _d(vol) if k != "name"]
        if not any(k in _ALLOWED_VOLUME_TYPES for k in kinds):
            shown = kinds[0] if kinds else "unknown"
            out.append((f"{pod.spec_path}.volumes[{i}].{shown}",
                        f"volume {_d(vol).get('name')!r} has restricted type {shown!r}"))
    return out


def _allow_privilege_escalation(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{p}.securityContext.allowPrivilegeEscalation",
             f"container {c.get('name')!r} must set securityContext.allowPrivilegeEscalation=false")
            for c, p in pod.containers() if _d(c.get("securityContext")).get("allowPrivilegeEscalation") is not False]


def _run_as_non_root(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    pod_value = pod.security.get("runAsNonRoot")
    if pod_value is False:
        out.append((f"{pod.spec_path}.securityContext.runAsNonRoot", "pod must not set runAsNonRoot=false"))
    for c, p in pod.containers():
        value = _d(c.get("securityContext")).get("runAsNonRoot")
        if value is False:
            out.append((f"{p}.securityContext.runAsNonRoot",
                        f"container {c.get('name')!r} must not set runAsNonRoot=false"))
        elif value is None and pod_value is not True:
            out.append((f"{p}.securityContext.runAsNonRoot",
                        f"pod or container {c.get('name')!r} must set securityContext.runAsNonRoot=true"))
    return out


def _run_as_user(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    return [(f"{path}.runAsUser", f"{who} must not set runAsUser=0")
            for sc, path, who in pod.security_contexts if sc.get("runAsUser") == 0]


def _seccomp_restricted(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    good = ("RuntimeDefault", "Localhost")
    out = []
    pod_type = _d(pod.security.get("seccompProfile")).get("type")
    if pod_type is not None and pod_type not in good:
        out.append((f"{pod.spec_path}.securityContext.seccompProfile.type",
                    f"pod must not set seccompProfile.type={pod_type!r}"))
    for c, p in pod.containers():
        ctype = _d(_d(c.get("securityContext")).get("seccompProfile")).get("type")
        if ctype is not None and ctype not in good:
            out.append((f"{p}.securityContext.seccompProfile.type",
                        f"container {c.get('name')!r} must not set seccompProfile.type={ctype!r}"))
        elif ctype is None and pod_type not in good:
            out.append((f"{p}.securityContext.seccompProfile.type",
                        f"pod or container {c.get('name')!r} must set securityContext.seccompProfile.type "
                        "to RuntimeDefault or Localhost"))
    return out


def _capabilities_restricted(pod: _Pod, v: Version) -> list[tuple[str, str]]:
    out = []
    for c, p in pod.containers():
        caps = _d(_d(c.get("securityContext")).get("capabilities"))
        if "ALL" not in _l(caps.get("drop")):
            out.append((f"{p}.securityContext.capabilities.drop",
                        f"container {c.get('name')!r} must set securityContext.capabilities.drop=[\"ALL\"]"))
        for i, cap in enumerate(_l(caps.get("add"))):
            if cap != "NET_BIND_SERVICE":
                out.append((f"{p}.securityContext.capabilities.add[{i}]",
                            f"container {c.get('name')!r} must not add capability {cap!r}"))
    return out


CHECKS: tuple[_Check, ...] = (
    _Check("hostNamespaces", BASELINE, (((1, 0), _host_namespaces),)),
    _Check("privileged", BASELINE, (((1, 0), _privileged),)),
    _Check("capabilities_baseline", BASELINE, (((1, 0), _capabilities_baseline),)),
    _Check("hostPathVolumes", BASELINE, (((1, 0), _host_path_volumes),)),
    _Check("hostPorts", BASELINE, (((1, 0), _host_ports),)),
    _Check("appArmorProfile", BASELINE, (((1, 0), _apparmor),)),
    _Check("seLinuxOptions", BASELINE,
           (((1, 0), _selinux(_SELINUX_TYPES_1_0)), ((1, 31), _selinux(_SELINUX_TYPES_1_31)))),
    _Check("procMount", BASELINE, (((1, 0), _proc_mount), ((1, 35), _exempting(_proc_mount, _userns)))),
    _Check("seccompProfile_baseline", BASELINE, (((1, 0), _seccomp_baseline_1_0), ((1, 19), _seccomp_baseline_1_19))),
    _Check("sysctls", BASELINE, (((1, 0), _sysctls),)),
    _Check("windowsHostProcess", BASELINE, (((1, 0), _windows_host_process),)),
    _Check("hostProbesAndHostLifecycle", BASELINE, (((1, 34), _probe_hosts),)),
    _Check("restrictedVolumes", RESTRICTED, (((1, 0), _restricted_volumes),), ("hostPathVolumes",)),
    _Check("allowPrivilegeEscalation", RESTRICTED,
           (((1, 8), _allow_privilege_escalation), ((1, 25), _exempting(_allow_privilege_escalation, _windows)))),
    _Check("runAsNonRoot", RESTRICTED, (((1, 0), _run_as_non_root), ((1, 35), _exempting(_run_as_non_root, _userns)))),
    _Check("runAsUser", RESTRICTED, (((1, 23), _run_as_user), ((1, 35), _exempting(_run_as_user, _userns)))),
    _Check("seccompProfile_restricted", RESTRICTED,
           (((1, 19), _seccomp_restricted), ((1, 25), _exempting(_seccomp_restricted, _windows))),
           ("seccompProfile_baseline",)),
    _Check("capabilities_restricted", RESTRICTED,
           (((1, 22), _capabilities_restricted), ((1, 25), _exempting(_capabilities_restricted, _windows))),
           ("capabilities_baseline",)),
    _Check("procMount_restricted", RESTRICTED, (((1, 35), _proc_mount),), ("procMount",)),
)


def checks_for(level: str, version: str | Version = "latest") -> tuple[tuple[_Check, Callable], ...]:
    """The checks in force at `level` and policy `version`, after restricted overrides of baseline checks."""
    if level not in LEVELS:
        raise ValueError(f"unknown Pod Security level {level!r}; choose one of: {', '.join(LEVELS)}")
    return _checks_at(level, parse_version(version))


@lru_cache(maxsize=None)
def _checks_at(level: str, v: Version) -> tuple[tuple[_Check, Callable], ...]:
    """Cached: every pod template of an audit asks for the same one or two selections."""
    wanted = [c for c in CHECKS if c.level == BASELINE or level == RESTRICTED]
    active = [(c, c.at(v)) for c in wanted if c.at(v) is not None]
    overridden = {o for c, _ in active if c.level == RESTRICTED for o in c.overrides}
    return tuple((c, fn) for c, fn in active if c.id not in overridden)


def evaluate(template_or_spec: PodTemplate | dict, level: str = RESTRICTED,
             version: str | Version = "latest", own_level_only: bool = False) -> list[Violation]:
    """Every violation of the `level` standard at policy `version` in one pod template (or bare pod spec); with
    `own_level_only`, only those of the checks that belong to `level` itself (restricted without the baseline
    checks it keeps, which a baseline evaluation reports already)."""
    if isinstance(template_or_spec, PodTemplate):
        t = template_or_spec
        pod = _Pod(t.spec, t.metadata or {}, t.path, t.metadata_path)
    else:
        pod = _Pod(_d(template_or_spec), {}, "spec", "metadata")
    v = parse_version(version)
    out: list[Violation] = []
    for check, fn in checks_for(level, v):
        if own_level_only and check.level != level:
            continue
        for path, message in fn(pod, v):
            out.append(Violation(check.id, check.level, message, path))
    return out
