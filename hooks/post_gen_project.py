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


def main():
    context = json.loads(CONTEXT_JSON)
    try:
        import generator  # noqa: F401
    except ImportError:
        sys.path.insert(0, context.get("_repo_dir", "."))
    from generator.jinja_ext import render_context

    answers = render_context(context).a
    project = Path.cwd()
    stack_support_files(answers, project)
    return 0


if __name__ == "__main__":
    sys.exit(main())
