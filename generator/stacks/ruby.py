"""Ruby services: bundler in deployment mode (no development/test gems), built with compilers in the builder
stage, run on the same slim image without them. Rails and Sinatra get their usual start commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .base import Detection, Runtime, first_version, health_url, read_text

NAME = "ruby"
PACKAGE_MANAGERS = ("bundler",)
DEFAULT_PORT = 3000
FRAMEWORKS = ("none", "rails", "sinatra")
PROBE = ("require 'net/http'; u = URI(ARGV[0]); "
         "r = Net::HTTP.start(u.host, u.port, open_timeout: 4, read_timeout: 4) { |h| h.get(u.request_uri) }; "
         "exit(r.code.to_i < 400 ? 0 : 1)")


def detect(root: Path) -> Detection | None:
    if not (root / "Gemfile").is_file():
        return None
    gemfile = read_text(root / "Gemfile")
    answers: dict[str, Any] = {"package_manager": "bundler"}
    ruby = re.search(r"^\s*ruby\s+['\"][^0-9'\"]*(\d+\.\d+)", gemfile, re.M)
    version = first_version(read_text(root / ".ruby-version", 200)) or (ruby.group(1) if ruby else None)
    if version:
        answers["stack_version"] = version
    if re.search(r"^\s*gem\s+['\"]rails['\"]", gemfile, re.M) or (root / "config" / "application.rb").is_file():
        answers["framework"] = "rails"
        if "rails/health" in read_text(root / "config" / "routes.rb"):
            answers["health_path"] = "/up"
    elif re.search(r"^\s*gem\s+['\"]sinatra['\"]", gemfile, re.M):
        answers["framework"] = "sinatra"
    return Detection(NAME, ["Gemfile"], answers)


def default_command(answers: dict[str, Any]) -> list[str]:
    port = str(answers["port"])
    if answers.get("framework") == "rails":
        return ["bundle", "exec", "rails", "server", "--binding", "0.0.0.0", "--port", port]
    if answers.get("framework") == "sinatra":
        return ["bundle", "exec", "rackup", "--host", "0.0.0.0", "--port", port]
    return ["bundle", "exec", "ruby", "app.rb"]


def writable_paths(answers: dict[str, Any]) -> list[str]:
    """Rails keeps pid files and caches in tmp/ and may write log/."""
    return ["/tmp", "/app/tmp", "/app/log"] if answers.get("framework") == "rails" else ["/tmp"]


def runtime(answers: dict[str, Any], runtime_image_has_shell: bool) -> Runtime:
    # The official image keeps bundler's config outside /app (BUNDLE_APP_CONFIG): state the settings again.
    env = {"BUNDLE_DEPLOYMENT": "1", "BUNDLE_WITHOUT": "development:test", "BUNDLE_PATH": "/app/vendor/bundle",
           "RACK_ENV": "production", "PORT": str(answers["port"])}
    if answers.get("framework") == "rails":
        env.update({"RAILS_ENV": "production", "RAILS_LOG_TO_STDOUT": "1", "RAILS_SERVE_STATIC_FILES": "1"})
    return Runtime(entrypoint=list(answers["command"]), healthcheck=["ruby", "-e", PROBE, health_url(answers)],
                   env=env)
