"""The built-in samples (`dockseal new --example STACK`): detected from the sample itself, so the generated
Dockerfile starts it, and each one is built and run by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.new import examples

EXPECTED = {
    "python": {"package_manager": "pip", "command": ["python3", "app.py"], "port": 8000},
    "node": {"package_manager": "npm", "command": ["node", "server.js"], "port": 3000},
    "go": {"package_manager": "mod", "main_package": ".", "stack_version": "1.24", "port": 8080},
    "rust": {"package_manager": "cargo", "command": ["/app/rust-example"], "port": 8080},
    "static": {"package_manager": "none", "main_package": "./public", "port": 8080},
    "php": {"package_manager": "composer", "command": ["php-fpm", "--nodaemonize"], "port": 9000, "framework": "none"},
    "ruby": {"package_manager": "bundler", "command": ["bundle", "exec", "ruby", "app.rb"], "port": 3000},
    "java": {"package_manager": "maven", "stack_version": "21", "command": ["java", "-XX:MaxRAMPercentage=75", "-jar",
                                                                           "/app/app.jar"], "port": 8080},
}


def test_every_example_is_expected_and_built_end_to_end() -> None:
    from e2e import standins

    assert set(examples()) == set(EXPECTED)
    assert set(examples()) <= set(standins.recipes())
    e2e = Path(__file__).parent / "e2e"
    assert all((e2e / f"test_{stack}.py").is_file() for stack in examples())


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_example_answers_are_detected_from_the_sample(stack: str, tmp_path: Path) -> None:
    target = tmp_path / "svc"
    assert main(["new", str(target), "--example", stack, "--no-input"]) == 0
    answers = yaml.safe_load((target / ".dockseal.yml").read_text())["answers"]
    assert answers["stack"] == stack
    assert {key: answers[key] for key in EXPECTED[stack]} == EXPECTED[stack]
    assert (target / "Dockerfile").is_file()
