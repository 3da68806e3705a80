"""PHP services: composer (`--no-dev`, cache mount) in the builder, php-fpm on an unprivileged port.

php-fpm speaks FastCGI, not HTTP: put an unprivileged web server in front of it (for example the
nginx-unprivileged image from the catalog, `fastcgi_pass SERVICE:PORT`). The health check asks the
application's front controller through FastCGI with a small PHP client, so it tests PHP itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import Detection, Runtime, first_version, read_json

NAME = "php"
PACKAGE_MANAGERS = ("composer",)
DEFAULT_PORT = 9000
SERVES_HTTP = False  # FastCGI: orchestrators probe the port with a TCP connect, the health check with fcgi-probe
FRAMEWORKS = ("none", "laravel", "symfony")
PROBE = "/app/.dockseal/php/fcgi-probe.php"
FRAMEWORK_PACKAGES = {"laravel/framework": "laravel", "symfony/framework-bundle": "symfony"}


def detect(root: Path) -> Detection | None:
    if not (root / "composer.json").is_file():
        return None
    composer = read_json(root / "composer.json")
    require = composer.get("require") if isinstance(composer.get("require"), dict) else {}
    answers: dict[str, Any] = {"package_manager": "composer"}
    version = first_version(str(require.get("php", "")))
    if version:
        answers["stack_version"] = version
    for package, framework in FRAMEWORK_PACKAGES.items():
        if package in require:
            answers["framework"] = framework
            if framework == "laravel":
                answers["health_path"] = "/up"
    name = composer.get("name")
    if isinstance(name, str) and name:
        answers["service_name"] = name.split("/")[-1]
    if isinstance(composer.get("description"), str) and composer["description"]:
        answers["description"] = composer["description"]
    return Detection(NAME, ["composer.json"], answers)


def front_controller(answers: dict[str, Any]) -> str:
    """Laravel and Symfony serve from public/; a plain project from its root."""
    return "/app/public/index.php" if answers.get("framework") in ("laravel", "symfony") else "/app/index.php"


def default_command(answers: dict[str, Any]) -> list[str]:
    return ["php-fpm", "--nodaemonize"]


def writable_paths(answers: dict[str, Any]) -> list[str]:
    """Sessions and uploads go to /tmp; Laravel writes below storage/ and bootstrap/cache/, Symfony var/.
    Laravel does not create its storage folders, so each is its own (empty) mount rather than storage/ itself."""
    laravel = [f"/app/storage/{d}" for d in ("framework/cache", "framework/sessions", "framework/views", "logs")]
    extra = {"laravel": [*laravel, "/app/bootstrap/cache"], "symfony": ["/app/var"]}
    return ["/tmp", *extra.get(answers.get("framework", "none"), [])]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    probe = ["php", PROBE, "127.0.0.1", str(answers["port"]), front_controller(answers), answers["health_path"]]
    env = {"APP_ENV": "prod" if answers.get("framework") == "symfony" else "production"}
    return Runtime(entrypoint=list(answers["command"]), healthcheck=probe, env=env)
