"""Detection on small fixture projects (tests/fixtures/detect/<case>/) for every stack and framework, then
`dockseal new --no-input` on each: detected answers reach the record and the Dockerfile is lint-clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

import checkers
from conftest import ROOT
from generator.cli import main
from generator.detect import detect_all, detected_answers

FIXTURES = ROOT / "tests" / "fixtures" / "detect"

# case -> (every stack that must match, the stack to use, answers its detection must give)
CASES: dict[str, tuple[set[str], str, dict]] = {
    "java-maven-spring": ({"java"}, "java", {"package_manager": "maven", "stack_version": "21",
                                             "framework": "spring-boot", "health_path": "/actuator/health",
                                             "service_name": "orders-api"}),
    "java-gradle-kts": ({"java"}, "java", {"package_manager": "gradle", "stack_version": "21",
                                           "framework": "none", "service_name": "inventory"}),
    "java-maven-plain": ({"java"}, "java", {"package_manager": "maven", "stack_version": "21",
                                            "service_name": "ledger"}),
    "rust-axum": ({"rust"}, "rust", {"package_manager": "cargo", "stack_version": "1",
                                     "service_name": "edge-proxy", "command": ["/app/edge"],
                                     "app_version": "0.4.2"}),
    "dotnet-web": ({"dotnet"}, "dotnet", {"stack_version": "8.0", "main_package": "./src/Shop.Api",
                                          "command": ["dotnet", "/app/Shop.Api.dll"], "service_name": "shop-api"}),
    "php-laravel": ({"php", "node"}, "php", {"stack_version": "8.3", "framework": "laravel", "health_path": "/up",
                                             "service_name": "billing",
                                             "writable_paths": ["/tmp", "/app/storage/framework/cache",
                                                                "/app/storage/framework/sessions",
                                                                "/app/storage/framework/views", "/app/storage/logs",
                                                                "/app/bootstrap/cache"]}),
    "php-symfony": ({"php"}, "php", {"stack_version": "8.3", "framework": "symfony", "service_name": "catalog",
                                     "writable_paths": ["/tmp", "/app/var"]}),
    "ruby-rails": ({"ruby"}, "ruby", {"stack_version": "3.3", "framework": "rails", "health_path": "/up",
                                      "port": 3000, "writable_paths": ["/tmp", "/app/tmp", "/app/log"],
                                      "command": ["bundle", "exec", "rails", "server", "--binding", "0.0.0.0",
                                                  "--port", "3000"]}),
    "ruby-sinatra": ({"ruby"}, "ruby", {"stack_version": "3.3", "framework": "sinatra",
                                        "command": ["bundle", "exec", "rackup", "--host", "0.0.0.0", "--port",
                                                    "3000"]}),
    "static-plain": ({"static"}, "static", {"package_manager": "none", "main_package": ".", "port": 8080,
                                            "writable_paths": ["/tmp", "/var/cache/nginx"]}),
    "static-hugo": ({"static"}, "static", {"package_manager": "none", "main_package": "./public"}),
    "static-vite": ({"static", "node"}, "static", {"package_manager": "pnpm", "main_package": "./dist",
                                                   "service_name": "landing"}),
    "python-django": ({"python"}, "python", {"framework": "django", "package_manager": "pip",
                                             "command": ["python3", "-m", "gunicorn", "mysite.wsgi:application",
                                                         "--bind", "0.0.0.0:8000"]}),
    "python-fastapi": ({"python"}, "python", {"framework": "fastapi",
                                              "command": ["python3", "-m", "uvicorn", "app.main:api", "--host",
                                                          "0.0.0.0", "--port", "8000"]}),
    "python-flask": ({"python"}, "python", {"framework": "flask",
                                            "command": ["python3", "-m", "flask", "--app", "app:app", "run",
                                                        "--host", "0.0.0.0", "--port", "8000"]}),
    "node-express": ({"node"}, "node", {"framework": "express", "package_manager": "npm",
                                        "command": ["node", "src/index.js"], "service_name": "api-gateway"}),
    "node-nextjs": ({"node"}, "node", {"framework": "nextjs", "package_manager": "yarn", "stack_version": "22",
                                       "command": ["node", "server.js"], "writable_paths": ["/app/.next/cache"]}),
}


def test_every_fixture_has_a_case_and_every_stack_a_fixture():
    from generator import stacks

    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(CASES)
    assert {chosen for _, chosen, _ in CASES.values()} == set(stacks.STACKS) - {"go"}  # go: test_detect_core_stacks
    for name in stacks.STACKS:
        for framework in stacks.frameworks(name)[1:]:
            assert any(c == name and e.get("framework") == framework for _, c, e in CASES.values()), framework


@pytest.mark.parametrize("case", list(CASES))
def test_detection(case):
    matching, _, _ = CASES[case]
    assert {d.stack for d in detect_all(FIXTURES / case)} == matching


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """`dockseal new --no-input` in a copy of every fixture (with --set stack=... where several match)."""
    root = tmp_path_factory.mktemp("detected")
    for case, (matching, chosen, _) in CASES.items():
        shutil.copytree(FIXTURES / case, root / case)
        extra = ["--set", f"stack={chosen}"] if len(matching) > 1 else []
        assert main(["new", "--no-input", *extra, str(root / case)]) == 0, case
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_detected_answers_reach_the_record(generated, case):
    _, chosen, expected = CASES[case]
    record = yaml.safe_load((generated / case / ".dockseal.yml").read_text())["answers"]
    assert record["stack"] == chosen
    for key, value in expected.items():
        assert record[key] == value, (key, record[key])


@pytest.mark.parametrize("case", list(CASES))
def test_generated_dockerfile_is_hadolint_clean(generated, case):
    assert checkers.hadolint(generated / case / "Dockerfile") == ""


@pytest.mark.slow
def test_generated_dockerfiles_checkov_zero_failed(generated, tmp_path):
    for case in CASES:
        (tmp_path / case).mkdir()
        shutil.copy(generated / case / "Dockerfile", tmp_path / case / "Dockerfile")
    failed = checkers.checkov(tmp_path, "dockerfile")
    assert failed == [], json.dumps(failed[:20], indent=1)


def test_several_stacks_without_input_fail_clearly(tmp_path, capsys):
    target = tmp_path / "laravel"
    shutil.copytree(FIXTURES / "php-laravel", target)
    before = sorted(p.name for p in target.iterdir())
    assert main(["new", "--no-input", str(target)]) == 2
    err = capsys.readouterr().err
    assert "several stacks" in err and "php" in err and "node" in err and "--set stack=" in err
    assert sorted(p.name for p in target.iterdir()) == before, "nothing may be written"


def test_several_stacks_are_asked_first_and_the_choice_is_followed(tmp_path, capsys):
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from generator.new import Options, collect_answers
    from generator.prompts import asker

    asked: list[str] = []
    with create_pipe_input() as pipe:
        # The default is the first match (node, registry order); move down from node to php, accept the rest.
        pipe.send_text("\x1b[B" * 5 + "\r" + "\r" * 60)

        def factory():
            ask = asker(input=pipe, output=DummyOutput())

            def recording(question, default, answers):
                asked.append(question.key)
                return ask(question, default, answers)
            return recording

        answers = collect_answers(Options(FIXTURES / "php-laravel", {}), factory)
    assert asked[0] == "stack" and asked.count("stack") == 1
    assert "several stacks: node (package.json), php (composer.json)" in capsys.readouterr().err
    assert answers["stack"] == "php" and answers["framework"] == "laravel" and answers["health_path"] == "/up"


def test_chosen_stack_ignores_the_other_stacks_findings(tmp_path):
    target = tmp_path / "site"
    shutil.copytree(FIXTURES / "static-vite", target)
    assert main(["new", "--no-input", "--set", "stack=node", str(target)]) == 0
    record = yaml.safe_load((target / ".dockseal.yml").read_text())["answers"]
    assert record["stack"] == "node" and record["main_package"] == "" and record["service_name"] == "landing"


def test_broken_manifests_do_not_crash(tmp_path):
    for name in ("pom.xml", "Cargo.toml", "composer.json", "Gemfile", "global.json", "x.csproj", "build.gradle"):
        (tmp_path / name).write_bytes(b"\x00\xff{[<")
    assert {d.stack for d in detect_all(tmp_path)} == {"java", "rust", "dotnet", "php", "ruby"}
    assert "stack" not in detected_answers(tmp_path, detect_all(tmp_path))


@pytest.mark.slow
def test_compose_and_kubernetes_outputs_for_every_stack(generated, tmp_path):
    """Every stack's compose file meets the compose spec and its manifests validate (strict) and pass checkov;
    the stack's writable paths are tmpfs in compose and emptyDir volumes in Kubernetes."""
    composes = [generated / case / "compose.yaml" for case in CASES]
    assert checkers.check_jsonschema("vendor.compose-spec", composes) == ""
    manifests = sorted(p for case in CASES for p in (generated / case / "k8s" / "base").glob("*.yaml")
                       if p.name != "kustomization.yaml")
    assert checkers.kubernetes_validate(manifests, "1.30.0") == ""
    for case in CASES:
        shutil.copytree(generated / case / "k8s", tmp_path / case)
    failed = checkers.checkov(tmp_path, "kubernetes")
    assert failed == [], json.dumps(failed[:20], indent=1)
    for case in CASES:
        record = yaml.safe_load((generated / case / ".dockseal.yml").read_text())["answers"]
        service = next(iter(yaml.safe_load((generated / case / "compose.yaml").read_text())["services"].values()))
        tmpfs = {entry.split(":")[0] for entry in service.get("tmpfs", [])}
        assert set(record["writable_paths"]) <= tmpfs, case
        deployment = yaml.safe_load((generated / case / "k8s" / "base" / "deployment.yaml").read_text())
        mounts = {m["mountPath"] for m in deployment["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]}
        assert set(record["writable_paths"]) <= mounts, case


def test_readme_stack_commands_work(tmp_path, monkeypatch):
    """The commands of the README's "Stacks and detection" section, as written there."""
    import re
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Stacks and detection", 1)[1].split("\n### ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    commands = [shlex.split(line) for line in block.splitlines() if line.strip()]
    assert len(commands) == 3
    monkeypatch.chdir(tmp_path)
    for argv in commands:
        assert argv[0] == "dockseal"
        assert main(argv[1:]) == 0, argv
        record = yaml.safe_load((tmp_path / argv[-1] / ".dockseal.yml").read_text())["answers"]
        sets = dict(arg.split("=", 1) for arg in argv if "=" in arg)
        assert all(str(record[k]) == v for k, v in sets.items()), (sets, record)


@pytest.mark.parametrize("sets,last_lines", [
    (["stack=static", "package_manager=none", "main_package=./dist"], ["!dist"]),
    (["stack=dotnet"], ["**/bin", "**/obj"]),
    (["stack=php"], ["vendor"]),
    (["stack=ruby"], ["vendor/bundle", ".bundle"]),
])
def test_dockerignore_follows_the_stack(tmp_path, sets, last_lines):
    """A prebuilt site folder such as dist/ is sent to the build although build output is ignored; what the
    image installs itself (vendor/, bin/obj) is not."""
    assert main(["new", "--no-input", *[a for s in sets for a in ("--set", s)], str(tmp_path / "svc")]) == 0
    lines = (tmp_path / "svc" / ".dockerignore").read_text().splitlines()
    assert lines[-len(last_lines):] == last_lines


def _ignored(rel: str, patterns: list[str]) -> bool:
    """Docker's .dockerignore rule: the last pattern matching the path or one of its parent folders decides."""
    import fnmatch

    parts = rel.split("/")
    prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    verdict = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if any(fnmatch.fnmatch(p, pattern.lstrip("!")) for p in prefixes):
            verdict = not negated
    return verdict


def test_a_root_site_does_not_serve_the_generated_files(tmp_path):
    """A static site whose root is the project root serves its whole build context, so every file dockseal
    writes (except the nginx config the runtime stage copies) stays out of the context."""
    (tmp_path / "index.html").write_text("<h1>hi</h1>\n")
    sets = ["stack=static", "ci=github", "signing=cosign-key", "image_repository=ghcr.io/acme/site"]
    assert main(["new", "--no-input", *[a for s in sets for a in ("--set", s)], str(tmp_path)]) == 0
    record = yaml.safe_load((tmp_path / ".dockseal.yml").read_text())
    assert record["answers"]["main_package"] == "."
    patterns = [line for line in (tmp_path / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith(("#", "{"))]
    served = [rel for rel in [*record["rendered"]["files"], ".dockseal.yml"] if not _ignored(rel, patterns)]
    assert served == [".dockseal/nginx/default.conf"]
    assert not _ignored("index.html", patterns)
