"""Detection of the Python, Node and Go stacks: stack, version, package manager, start command, name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.detect import detect_all, detected_answers, slugify


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def detect(root: Path) -> dict:
    return detected_answers(root, detect_all(root))


CASES = {
    "requirements-only": ({"requirements.txt": "flask==3.0.3\n", "app.py": ""},
                          {"stack": "python", "package_manager": "pip", "command": ["python3", "app.py"]}),
    "python-version-file": ({"requirements.txt": "", ".python-version": "3.12.4\n"},
                            {"stack_version": "3.12"}),
    "requires-python": ({"pyproject.toml": '[project]\nname = "Billing_API"\nversion = "1.4.0"\n'
                                           'requires-python = ">=3.13"\n'
                                           '[project.scripts]\nbilling = "billing.main:run"\n', "uv.lock": ""},
                        {"stack_version": "3.13", "package_manager": "uv", "service_name": "billing-api",
                         "app_version": "1.4.0",
                         "command": ["python3", "-c", "import sys; from billing.main import run; sys.exit(run())"]}),
    "poetry": ({"pyproject.toml": '[tool.poetry]\nname = "svc"\n[tool.poetry.dependencies]\npython = "^3.11"\n',
                "poetry.lock": "", "svc/__main__.py": ""},
               {"package_manager": "poetry", "stack_version": "3.11", "command": ["python3", "-m", "svc"]}),
    "node-npm": ({"package.json": json.dumps({"name": "@acme/shop", "version": "2.0.0",
                                             "scripts": {"start": "node server.js --port 3000"}}),
                  "package-lock.json": "{}", ".nvmrc": "v22.3.0\n"},
                 {"stack": "node", "package_manager": "npm", "stack_version": "22", "service_name": "shop",
                  "command": ["node", "server.js", "--port", "3000"]}),
    "node-pnpm-engines": ({"package.json": json.dumps({"engines": {"node": "^20.11"}, "main": "index.js"}),
                           "pnpm-lock.yaml": ""},
                          {"package_manager": "pnpm", "stack_version": "20", "command": ["node", "index.js"]}),
    "node-yarn-unsafe-start": ({"package.json": json.dumps({"scripts": {"start": "node a.js && rm -rf /"}}),
                                "yarn.lock": ""},
                               {"package_manager": "yarn"}),
    "go-root-main": ({"go.mod": "module github.com/acme/Ledger\n\ngo 1.23.4\n", "main.go": "package main\n"},
                     {"stack": "go", "stack_version": "1.23", "service_name": "ledger", "main_package": "."}),
    "go-cmd": ({"go.mod": "module example.org/x/api\n\ngo 1.24\n", "cmd/apiserver/main.go": "package main\n"},
               {"main_package": "./cmd/apiserver", "package_manager": "mod"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_detection(tmp_path, case):
    files, expected = CASES[case]
    found = detect(tree(tmp_path / "work", files))
    for key, value in expected.items():
        assert found.get(key) == value, (key, found)


def test_unsafe_start_script_is_not_taken_as_command(tmp_path):
    files, _ = CASES["node-yarn-unsafe-start"]
    assert "command" not in detect(tree(tmp_path, files))


def test_nothing_detected_in_an_empty_dir(tmp_path):
    assert detect_all(tmp_path) == []
    assert "stack" not in detect(tmp_path)


def test_several_stacks_are_all_reported(tmp_path):
    tree(tmp_path, {"package.json": "{}", "requirements.txt": ""})
    assert {d.stack for d in detect_all(tmp_path)} == {"python", "node"}
    assert "stack" not in detect(tmp_path)


def test_broken_manifests_do_not_crash(tmp_path):
    tree(tmp_path, {"package.json": "{not json", "pyproject.toml": "[[[", "go.mod": "\x00\x01"})
    assert {d.stack for d in detect_all(tmp_path)} == {"python", "node", "go"}


@pytest.mark.parametrize("name,slug", [("My_Service", "my-service"), ("123abc", "abc"), ("---", ""),
                                       ("Ünïcode Name", "n-code-name")])
def test_slugify(name, slug):
    assert slugify(name) == slug
