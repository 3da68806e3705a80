"""Python services: pip (requirements.txt), Poetry or uv; distroless or slim runtime."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, first_version, read_text, read_toml

NAME = "python"
PACKAGE_MANAGERS = ("pip", "poetry", "uv")
DEFAULT_PORT = 8000
SIGNALS = ("pyproject.toml", "requirements.txt", "setup.py", "poetry.lock", "uv.lock")
FRAMEWORKS = ("none", "django", "fastapi", "flask")
# Where a framework's application object is usually defined, and the pattern that finds its variable.
APP_FILES = ("main.py", "app.py", "wsgi.py", "asgi.py", "server.py", "app/main.py", "src/main.py")
APP_PATTERNS = {"fastapi": r"^(\w+)\s*=\s*FastAPI\(", "flask": r"^(\w+)\s*=\s*Flask\("}


def detect(root: Path) -> Detection | None:
    found = [name for name in SIGNALS if (root / name).is_file()]
    if not found:
        return None
    answers: dict[str, Any] = {}
    pyproject = read_toml(root / "pyproject.toml") if "pyproject.toml" in found else {}
    project = pyproject.get("project", {}) if isinstance(pyproject.get("project"), dict) else {}
    poetry = pyproject.get("tool", {}).get("poetry", {}) if isinstance(pyproject.get("tool"), dict) else {}

    version = first_version(read_text(root / ".python-version", 200)) \
        or first_version(str(project.get("requires-python", ""))) \
        or first_version(str(poetry.get("dependencies", {}).get("python", "")) if isinstance(poetry, dict) else "")
    if version:
        answers["stack_version"] = version

    if (root / "poetry.lock").is_file() or poetry:
        answers["package_manager"] = "poetry"
    elif (root / "uv.lock").is_file():
        answers["package_manager"] = "uv"
    elif (root / "requirements.txt").is_file():
        answers["package_manager"] = "pip"

    for key, value in (("service_name", project.get("name") or poetry.get("name")),
                       ("description", project.get("description") or poetry.get("description")),
                       ("app_version", project.get("version") or poetry.get("version"))):
        if isinstance(value, str) and value:
            answers[key] = value

    command = _detect_command(root, project)
    if command:
        answers["command"] = command
    answers.update(_detect_framework(root, pyproject))
    return Detection(NAME, found, answers)


def _detect_framework(root: Path, pyproject: dict[str, Any]) -> dict[str, Any]:
    """Django (manage.py + a `*/wsgi.py`), FastAPI or Flask (their app object), with a production server."""
    deps = (read_text(root / "requirements.txt") + str(pyproject)).lower()
    wsgi = sorted(root.glob("*/wsgi.py"))
    if (root / "manage.py").is_file() and wsgi:
        return {"framework": "django", "command": framework_command("django", f"{wsgi[0].parent.name}.wsgi",
                                                                    DEFAULT_PORT, "gunicorn" in deps)}
    for framework, pattern in APP_PATTERNS.items():
        if framework not in deps:
            continue
        for name in APP_FILES:
            match = re.search(pattern, read_text(root / name), re.M)
            if match:
                module = name[:-3].replace("/", ".")
                target = f"{module}:{match.group(1)}"
                return {"framework": framework,
                        "command": framework_command(framework, target, DEFAULT_PORT, "gunicorn" in deps)}
    return {}


def framework_command(framework: str, target: str, port: int, gunicorn: bool = True) -> list[str]:
    """The production start command: gunicorn (WSGI) or uvicorn (ASGI), run as modules so no script is needed
    on PATH (distroless). Without gunicorn, Flask falls back to its own server and Django to runserver."""
    bind = f"0.0.0.0:{port}"
    if framework == "fastapi":
        return ["python3", "-m", "uvicorn", target, "--host", "0.0.0.0", "--port", str(port)]
    if framework == "django":
        if gunicorn:
            return ["python3", "-m", "gunicorn", f"{target}:application", "--bind", bind]
        return ["python3", "manage.py", "runserver", "--noreload", bind]
    if gunicorn:
        return ["python3", "-m", "gunicorn", target, "--bind", bind]
    return ["python3", "-m", "flask", "--app", target, "run", "--host", "0.0.0.0", "--port", str(port)]


def _detect_command(root: Path, project: dict[str, Any]) -> list[str] | None:
    """A start command from `[project.scripts]`, a package's `__main__.py`, or `main.py`/`app.py`."""
    scripts = project.get("scripts")
    if isinstance(scripts, dict):
        for target in scripts.values():
            match = re.fullmatch(r"\s*([A-Za-z_][\w.]*)\s*:\s*([A-Za-z_]\w*)\s*", str(target))
            if match:
                module, func = match.groups()
                return ["python3", "-c", f"import sys; from {module} import {func}; sys.exit({func}())"]
    for main in sorted(root.glob("*/__main__.py")) + sorted(root.glob("src/*/__main__.py")):
        return ["python3", "-m", main.parent.name]
    for name in ("main.py", "app.py", "server.py"):
        if (root / name).is_file():
            return ["python3", name]
    return None


def default_command(answers: dict[str, Any]) -> list[str]:
    module = answers["service_name"].replace("-", "_")
    targets = {"django": f"{module}.wsgi", "fastapi": "main:app", "flask": "app:app"}
    framework = answers.get("framework", "none")
    if framework in targets:
        return framework_command(framework, targets[framework], answers["port"])
    return ["python3", "-m", module]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    """`python3` is on PATH in both the distroless and the official images."""
    command = list(answers["command"])
    if command and command[0] in ("python", "python3"):
        command[0] = "python3"
    url = f"http://127.0.0.1:{answers['port']}{answers['health_path']}"
    probe = ("import sys, urllib.request as r; "
             f"sys.exit(0 if r.urlopen('{url}', timeout=4).status < 400 else 1)")
    return Runtime(
        entrypoint=command,
        healthcheck=["python3", "-c", probe],
        env={"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", "PYTHONPATH": "/opt/deps"},
    )
