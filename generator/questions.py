"""Every answer key dockseal knows, in the order they are asked.

Static defaults come from the template's `cookiecutter.json` (one source for plain cookiecutter and dockseal);
`auto` defaults are computed here from earlier answers, the stack plug-ins and the catalog.
"""

from __future__ import annotations

from dataclasses import replace

from . import catalog, stacks
from .answers import Answers, Question
from .outputs.questions import RUN_QUESTIONS
from .outputs.supply_questions import SUPPLY_CHAIN_QUESTIONS
from .template import cookiecutter_defaults

URL = r"https://[A-Za-z0-9._~:/?#\[\]@!&()*+,;=%-]+"
# Label text: BuildKit reads `\\` inside a quoted value as one backslash, but hadolint's parser rejects `\\"`,
# so a backslash cannot be written in a way that every checker reads alike: it is refused.
LABEL_TEXT = r"[^\\]*"
LABEL_HELP = "one line of text without backslashes, at most 200 characters"
IMAGE_REPOSITORY = r"[a-z0-9]+([.-][a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-][a-z0-9]+)*)+"


def _image_repository(a: Answers) -> str:
    """ghcr.io/OWNER/REPO or registry.gitlab.com/GROUP/REPO from the source URL, else a local name."""
    import re

    match = re.fullmatch(r"https://(github\.com|gitlab\.com)/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+?)(?:\.git)?/?",
                         a.get("source_url") or "")
    if match:
        registry = "ghcr.io" if match.group(1) == "github.com" else "registry.gitlab.com"
        return f"{registry}/{match.group(2).lower()}"
    return f"localhost/{a['service_name']}"


def _versions(a: Answers) -> list[str]:
    return catalog.load().versions(a["stack"])


def _flavours(a: Answers) -> list[str]:
    return catalog.load().flavours(a["stack"], a["stack_version"])


_QUESTIONS = [
    Question("service_name", "Service name", "slug", pattern=r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", max_length=63,
             help="a lowercase DNS label: a-z, 0-9 and '-', at most 63 characters, starting with a letter"),
    Question("description", "One-line description", pattern=LABEL_TEXT, help=LABEL_HELP,
             auto=lambda a: f"The {a['service_name']} service"),
    Question("stack", "Stack", "choice", choices=lambda a: list(stacks.STACKS)),
    Question("stack_version", "Stack version", "choice", choices=_versions, auto=lambda a: _versions(a)[0]),
    Question("package_manager", "Package manager", "choice",
             choices=lambda a: list(stacks.get(a["stack"]).PACKAGE_MANAGERS),
             auto=lambda a: stacks.get(a["stack"]).PACKAGE_MANAGERS[0]),
    Question("base_flavour", "Runtime base", "choice", choices=_flavours, auto=lambda a: _flavours(a)[0],
             help="distroless: no shell or package manager; slim: Docker Official Image with a shell"),
    Question("main_package", "Main package or folder", pattern=r"\.(/(?!\.\.?(?:/|$))[A-Za-z0-9_.-]+)*", max_length=200,
             help="a path inside the source tree: the Go main package (./cmd/server), the .NET project folder, "
                  "or the folder holding the built static site (./dist)",
             when=lambda a: stacks.main_package(a["stack"]) is not None, inactive="",
             auto=lambda a: stacks.main_package(a["stack"])),
    Question("port", "Port the service listens on", "int", minimum=1024, maximum=65535,
             help="1024-65535, so the service needs no capability to bind",
             auto=lambda a: stacks.get(a["stack"]).DEFAULT_PORT),
    Question("framework", "Framework", "choice", choices=lambda a: list(stacks.frameworks(a["stack"])),
             auto=lambda a: stacks.frameworks(a["stack"])[0], inactive="none",
             when=lambda a: len(stacks.frameworks(a["stack"])) > 1,
             help="the web framework, when it changes the build or start command; none otherwise"),
    Question("command", "Start command", "argv", max_length=1000,
             help="the command line that starts the service, e.g. python3 -m app",
             auto=lambda a: stacks.get(a["stack"]).default_command(a)),
    Question("health_path", "HTTP health check path", pattern=r"/[A-Za-z0-9._~/%=&?-]*", max_length=200,
             help="an absolute URL path such as /healthz"),
    Question("uid", "Numeric user ID the service runs as", "int", minimum=1, maximum=2147483647,
             help="1-2147483647; 0 (root) is refused; 65532 is the distroless nonroot user"),
    Question("gid", "Numeric group ID", "int", minimum=1, maximum=2147483647,
             help="1-2147483647; 0 (root) is refused"),
    Question("writable_paths", "Writable paths (comma separated)", "paths", auto=stacks.writable_paths,
             help="absolute paths such as /var/cache/app; everything else stays read-only"),
    Question("private_index", "Install from a private package index (credentials as a build secret)?", "bool"),
    Question("app_version", "Version label default", pattern=r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}", max_length=64,
             help="a version such as 1.2.3 (overridden at build time with --build-arg VERSION=...)"),
    Question("vendor", "Vendor (organisation)", pattern=LABEL_TEXT, help=LABEL_HELP),
    Question("authors", "Authors (contact)", pattern=LABEL_TEXT, help=LABEL_HELP),
    Question("licenses", "Licenses (SPDX expression)", pattern=r"[A-Za-z0-9.+ ()-]*", max_length=200,
             help="an SPDX license expression such as Apache-2.0 or MIT OR Apache-2.0"),
    Question("source_url", "Source repository URL", pattern=URL, max_length=500,
             help="an https:// URL without spaces or quotes"),
    Question("documentation_url", "Documentation URL", pattern=URL, max_length=500,
             help="an https:// URL without spaces or quotes"),
    Question("image_repository", "Image repository the service is pushed to", pattern=IMAGE_REPOSITORY,
             max_length=255, auto=_image_repository,
             help="registry/path without tag or digest, e.g. ghcr.io/acme/orders (lowercase)"),
    *RUN_QUESTIONS,
    *SUPPLY_CHAIN_QUESTIONS,
]


def questions() -> list[Question]:
    """The questions with their static defaults filled in from cookiecutter.json."""
    defaults = cookiecutter_defaults()
    return [replace(q, static_default=defaults.get(q.key)) for q in _QUESTIONS]


def public_keys() -> list[str]:
    return [q.key for q in _QUESTIONS]
