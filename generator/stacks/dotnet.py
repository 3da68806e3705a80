""".NET services: `dotnet restore` in its own layer, `dotnet publish`, on the ASP.NET Core runtime image.

The chiseled (distroless) ASP.NET image has no verified digest in the catalog yet, so the runtime is the
Debian-based `aspnet` image, which has a shell; it still runs as the numeric non-root user of the answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, files_below, first_version, read_json, read_text

NAME = "dotnet"
PACKAGE_MANAGERS = ("nuget",)
DEFAULT_PORT = 8080
MAIN_PACKAGE = "."
# bash's /dev/tcp speaks HTTP/1.0 with what the aspnet image has (bash, no curl or wget). Arguments, not
# interpolation, carry the host, port and path into the script.
BASH_PROBE = ('exec 3<>"/dev/tcp/$1/$2" && printf "GET %s HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n" "$3" "$1" >&3 '
              '&& read -r -t 4 _ status _ <&3 && [ "$status" -ge 200 ] && [ "$status" -lt 400 ]')


def detect(root: Path) -> Detection | None:
    projects = files_below(root, "*.csproj") + files_below(root, "*.fsproj")
    solutions = files_below(root, "*.sln", depth=0)
    if not projects and not solutions:
        return None
    answers: dict[str, Any] = {"package_manager": "nuget"}
    sdk = read_json(root / "global.json").get("sdk")
    version = first_version(str(sdk.get("version", ""))) if isinstance(sdk, dict) else None
    web = [p for p in projects if 'Sdk="Microsoft.NET.Sdk.Web"' in read_text(p)]
    main = web[0] if len(web) == 1 else (projects[0] if len(projects) == 1 else None)
    if main is not None:
        text = read_text(main)
        framework = re.search(r"<TargetFrameworks?>\s*net(\d+\.\d+)", text)
        version = version or (framework.group(1) if framework else None)
        folder = main.parent.relative_to(root).as_posix()
        answers["main_package"] = "." if folder == "." else f"./{folder}"
        assembly = re.search(r"<AssemblyName>\s*([A-Za-z0-9_.-]+)\s*<", text)
        answers["command"] = ["dotnet", f"/app/{assembly.group(1) if assembly else main.stem}.dll"]
        answers["service_name"] = main.stem
    if version:
        answers["stack_version"] = version
    return Detection(NAME, [p.relative_to(root).as_posix() for p in (solutions + projects)][:5], answers)


def default_command(answers: dict[str, Any]) -> list[str]:
    """`dotnet publish` names the entry assembly after the project; set the command when they differ."""
    return ["dotnet", f"/app/{answers['service_name']}.dll"]


def writable_paths(answers: dict[str, Any]) -> list[str]:
    return ["/tmp"]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    env = {"ASPNETCORE_HTTP_PORTS": str(answers["port"]), "DOTNET_EnableDiagnostics": "0",
           "DOTNET_NOLOGO": "1"}
    probe = ["bash", "-c", BASH_PROBE, "healthprobe", "127.0.0.1", str(answers["port"]), answers["health_path"]]
    return Runtime(entrypoint=list(answers["command"]), healthcheck=probe, env=env)
