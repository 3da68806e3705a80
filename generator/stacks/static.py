"""Static sites: built with Node (npm, Yarn or pnpm) or copied as a prebuilt folder, served by the
unprivileged nginx image on a port >= 1024 with a read-only root (nginx writes only /tmp and its cache)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import Detection, Runtime, health_url, read_json

NAME = "static"
PACKAGE_MANAGERS = ("npm", "yarn", "pnpm", "none")
DEFAULT_PORT = 8080
MAIN_PACKAGE = "./dist"
LOCKFILES = {"package-lock.json": "npm", "yarn.lock": "yarn", "pnpm-lock.yaml": "pnpm"}
# Config file prefix -> (generator, the folder it builds into).
GENERATORS = {
    "vite.config": ("vite", "./dist"), "astro.config": ("astro", "./dist"), "svelte.config": ("sveltekit", "./build"),
    "docusaurus.config": ("docusaurus", "./build"), "gatsby-config": ("gatsby", "./public"),
    ".eleventy": ("eleventy", "./_site"), "eleventy.config": ("eleventy", "./_site"),
    "hugo.toml": ("hugo", "./public"), "hugo.yaml": ("hugo", "./public"), "_config.yml": ("jekyll", "./_site"),
    "mkdocs.yml": ("mkdocs", "./site"),
}
NODE_GENERATORS = {"vite", "astro", "sveltekit", "docusaurus", "gatsby", "eleventy"}


def detect(root: Path) -> Detection | None:
    found = [(prefix, gen) for prefix, gen in GENERATORS.items()
             if any(p.is_file() for p in root.glob(prefix + "*"))]
    answers: dict[str, Any] = {}
    if found:
        prefix, (generator, folder) = found[0]
        evidence = [f"{prefix}* ({generator})"]
        answers["main_package"] = folder
        node = generator in NODE_GENERATORS and (root / "package.json").is_file()
    elif (root / "index.html").is_file():
        evidence, node = ["index.html"], False
        answers["main_package"] = "."
    elif (root / "public" / "index.html").is_file() and not (root / "package.json").is_file():
        evidence, node = ["public/index.html"], False
        answers["main_package"] = "./public"
    else:
        return None
    if node:
        answers["package_manager"] = next((pm for lock, pm in LOCKFILES.items() if (root / lock).is_file()), "npm")
        name = read_json(root / "package.json").get("name")
        if isinstance(name, str) and name:
            answers["service_name"] = name.split("/")[-1]
    else:
        answers["package_manager"] = "none"  # a prebuilt folder (Hugo, Jekyll, MkDocs run before the build)
    return Detection(NAME, evidence, answers)


def default_command(answers: dict[str, Any]) -> list[str]:
    return ["nginx", "-g", "daemon off;"]


def writable_paths(answers: dict[str, Any]) -> list[str]:
    """nginx-unprivileged keeps its pid and temp files in /tmp; /var/cache/nginx holds proxy caches."""
    return ["/tmp", "/var/cache/nginx"]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    """The alpine-based nginx image has BusyBox wget; it exits non-zero on errors and HTTP >= 400. The timeout
    is the HEALTHCHECK's (and the probe's) own: some BusyBox builds crash on `wget -T`."""
    return Runtime(entrypoint=list(answers["command"]),
                   healthcheck=["wget", "-q", "-O", "/dev/null", health_url(answers)], env={})
