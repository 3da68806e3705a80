"""Java services: Maven or Gradle (the wrapper when the project has one), Spring Boot layered jars when the
jar carries a layer index, on a distroless Java or a Temurin JRE runtime."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, first_version, health_url, read_text

NAME = "java"
PACKAGE_MANAGERS = ("maven", "gradle")
DEFAULT_PORT = 8080
FRAMEWORKS = ("none", "spring-boot")
PROBE_CLASSPATH = "/app/.dockseal"
# The probe JVM stays small and starts fast; it only makes one HTTP request.
PROBE_JVM = ["-Xmx16m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"]
GRADLE_FILES = ("build.gradle.kts", "build.gradle", "settings.gradle.kts", "settings.gradle")


def detect(root: Path) -> Detection | None:
    evidence = [name for name in ("pom.xml", *GRADLE_FILES) if (root / name).is_file()]
    if not evidence:
        return None
    answers: dict[str, Any] = {"package_manager": "maven" if "pom.xml" in evidence else "gradle"}
    build = read_text(root / "pom.xml") if "pom.xml" in evidence else \
        "\n".join(read_text(root / name) for name in GRADLE_FILES)
    version = first_version(read_text(root / ".java-version", 200), r"(\d+)") or _build_version(build)
    if version:
        answers["stack_version"] = version
    if "spring-boot" in build or "org.springframework.boot" in build:
        answers["framework"] = "spring-boot"
        if "spring-boot-starter-actuator" in build:
            answers["health_path"] = "/actuator/health"
    name = _pom_name(root / "pom.xml") if "pom.xml" in evidence else _gradle_name(build)
    if name:
        answers["service_name"] = name
    return Detection(NAME, evidence, answers)


def _build_version(build: str) -> str | None:
    """`maven.compiler.release`/`source`, `java.version` (Spring Boot), or a Gradle toolchain/compatibility."""
    for pattern in (r"<maven\.compiler\.release>\s*(\d+)", r"<java\.version>\s*(?:1\.)?(\d+)",
                    r"<maven\.compiler\.source>\s*(?:1\.)?(\d+)", r"<release>\s*(\d+)\s*</release>",
                    r"JavaLanguageVersion\.of\(\s*(\d+)\s*\)", r"JavaVersion\.VERSION_(?:1_)?(\d+)",
                    r"sourceCompatibility\s*=\s*['\"]?(?:1\.)?(\d+)"):
        match = re.search(pattern, build)
        if match:
            return match.group(1)
    return None


def _pom_name(pom: Path) -> str | None:
    """The project's own `artifactId` (not the parent's)."""
    try:
        project = ET.fromstring(read_text(pom))
    except ET.ParseError:
        return None
    for child in project:
        if child.tag.rsplit("}", 1)[-1] == "artifactId" and child.text:
            return child.text.strip()
    return None


def _gradle_name(build: str) -> str | None:
    match = re.search(r"rootProject\.name\s*=\s*['\"]([^'\"]+)['\"]", build)
    return match.group(1) if match else None


def default_command(answers: dict[str, Any]) -> list[str]:
    """Plain and Spring Boot jars alike end up as /app/app.jar (Boot's extracted jar keeps the name)."""
    return ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"]


def writable_paths(answers: dict[str, Any]) -> list[str]:
    """The JVM and embedded servers (Tomcat's work directory) write temporary files."""
    return ["/tmp"]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    """A JRE cannot run a source file, so the probe is a class compiled in the builder stage."""
    env = {"SERVER_PORT": str(answers["port"])} if answers.get("framework") == "spring-boot" else {}
    return Runtime(entrypoint=list(answers["command"]),
                   healthcheck=["java", *PROBE_JVM, "-cp", PROBE_CLASSPATH, "HealthProbe", health_url(answers)],
                   env=env)
