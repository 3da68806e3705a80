"""Add or prune the optional outputs of a render, one small function per output.

Runs in the generated directory. Jinja appears only inside the string literal below, so this file stays
importable and unit-testable (each function takes the resolved answers and the project directory).
"""

import json
import shutil
import sys
from pathlib import Path

CONTEXT_JSON = r'''{{ cookiecutter | tojson }}'''


def remove(project, *relative):
    """Delete generated paths that the answers do not call for, and parents left empty."""
    for rel in relative:
        path = project / rel
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        parent = path.parent
        while parent != project and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


# Support files a stack's Dockerfile copies or builds (health probes, server configs); other stacks drop them.
STACK_FILES = {
    ".dockseal/healthprobe/main.go": "go",
    ".dockseal/healthprobe/HealthProbe.java": "java",
    ".dockseal/healthprobe/main.rs": "rust",
    ".dockseal/php": "php",
    ".dockseal/nginx": "static",
}


def stack_support_files(answers, project):
    """Keep only the support files of the chosen stack."""
    for rel, stack in STACK_FILES.items():
        if answers["stack"] != stack:
            remove(project, rel)


def write(project, files):
    """Write generated text files (paths come from dockseal's own modules, never from answers)."""
    for rel, text in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def compose_file(ctx, project):
    """compose.yaml: the hardened local run, when `compose` is on."""
    from generator.outputs import compose

    if ctx.a.get("compose"):
        write(project, compose.files(ctx))


def kubernetes_manifests(ctx, project):
    """k8s/base: namespace, workload, network policies and kustomization, when `kubernetes` is on."""
    from generator.outputs import kubernetes

    if ctx.a.get("kubernetes"):
        write(project, kubernetes.files(ctx))


def security_docs(ctx, project):
    """SECURITY.md and security/daemon.json: host hardening that no manifest can carry."""
    from generator.outputs import security

    write(project, security.docs_files(ctx))


def apparmor_profile(ctx, project):
    """security/apparmor/NAME: the service's AppArmor profile, when it runs under compose or Kubernetes."""
    from generator.outputs import security

    if ctx.a.get("compose") or ctx.a.get("kubernetes"):
        write(project, security.apparmor_files(ctx))


def ci_pipeline(ctx, project):
    """The pipeline for `ci`: .github/workflows/container.yml or .gitlab-ci.yml (none for ci=none)."""
    from generator.outputs import github, gitlab

    write(project, {**github.files(ctx.a), **gitlab.files(ctx.a)})


def signing_files(ctx, project):
    """signing/: sign and verify scripts plus the admission or host policy of the `signing` mode."""
    from generator.outputs import policies, scripts

    write(project, {**scripts.files(ctx.a), **policies.files(ctx.a)})


def renovate_config(ctx, project):
    """renovate.json: keeps base image digests, action SHAs and CI tool images fresh."""
    from generator.outputs import renovate

    write(project, renovate.files(ctx.a))


def supply_chain_docs(ctx, project):
    """SUPPLY-CHAIN.md: pipeline, signing, verification and the retired-DCT exception."""
    from generator.outputs import supply_docs

    write(project, supply_docs.files(ctx.a))


def seal_record(context, project):
    """.dockseal.yml gets a hash of every rendered file and the renderer's fingerprint (update's merge base,
    check's fast path). Keep this step last in main(): it must see every file the other steps wrote."""
    from generator.seal import seal_project

    seal_project(project, Path(context.get("_repo_dir", ".")))


def main():
    context = json.loads(CONTEXT_JSON)
    try:
        import generator  # noqa: F401
    except ImportError:
        sys.path.insert(0, context.get("_repo_dir", "."))
    from generator.jinja_ext import render_context

    ctx = render_context(context)
    answers = ctx.a
    project = Path.cwd()
    stack_support_files(answers, project)
    compose_file(ctx, project)
    kubernetes_manifests(ctx, project)
    security_docs(ctx, project)
    apparmor_profile(ctx, project)
    ci_pipeline(ctx, project)
    signing_files(ctx, project)
    renovate_config(ctx, project)
    supply_chain_docs(ctx, project)
    seal_record(context, project)  # keep last
    return 0


if __name__ == "__main__":
    sys.exit(main())
