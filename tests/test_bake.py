"""Every baked combination: clean for hadolint (threshold info) and checkov, parsed by BuildKit's own parser,
every FROM pinned to a catalog digest, numeric non-root USER last, OCI labels, exec-form HEALTHCHECK."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import checkers
from bake import bake, combinations
from generator import catalog

COMBINATIONS = combinations()
IDS = [cid for cid, _ in COMBINATIONS]
REQUIRED_LABELS = {"title", "description", "version", "revision", "created", "base.name", "base.digest"}


@pytest.fixture(scope="session")
def baked(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    root = tmp_path_factory.mktemp("bakes")
    return {cid: (answers, bake(answers, root / cid)) for cid, answers in COMBINATIONS}


def instructions(dockerfile: Path):
    import dockerfile as buildkit

    return buildkit.parse_file(str(dockerfile))


def test_matrix_covers_every_value():
    cat = catalog.load()
    seen = {(a["stack"], a.get("stack_version"), a.get("base_flavour")) for _, a in COMBINATIONS}
    for stack, versions in cat.stacks.items():
        for version, flavours in versions.items():
            for flavour in flavours:
                assert (stack, version, flavour) in seen
    assert len(COMBINATIONS) >= 40


@pytest.mark.parametrize("cid", IDS)
def test_no_template_leftovers(baked, cid):
    _, out = baked[cid]
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "{%" not in text and "cookiecutter" not in text, path
            assert text.count("{{") == text.count("${{"), path  # only GitHub Actions expressions


@pytest.mark.parametrize("cid", IDS)
def test_dockseal_audit_clean(baked, cid):
    """The generated files pass dockseal's own control catalog with zero findings, info included."""
    from generator.policy import audit_files

    _, out = baked[cid]
    assert [f"{f.path}:{f.line} {f.control} {f.message}" for f in audit_files([out])] == []


@pytest.mark.parametrize("cid", IDS)
def test_hadolint_info_clean(baked, cid):
    _, out = baked[cid]
    assert checkers.hadolint(out / "Dockerfile") == ""


@pytest.mark.parametrize("cid", IDS)
def test_dockerfile_structure(baked, cid):
    answers, out = baked[cid]
    cat = catalog.load()
    parsed = instructions(out / "Dockerfile")
    froms = [i for i in parsed if i.cmd == "FROM"]
    assert len(froms) >= 2, "multi-stage"
    digests = {image.pinned for image in cat.images.values()}
    stages: set[str] = set()
    for instr in froms:  # a catalog image by tag and digest, or a stage built above from one
        assert instr.value[0] in digests | stages, f"FROM {instr.value[0]} is not a catalog tag@digest"
        stages.update(instr.value[2:3])
    aliases = [i.value[2].lower() for i in froms if len(i.value) == 3]
    assert len(aliases) == len(set(aliases)) == len(froms)
    runtime = parsed[[i.cmd for i in parsed].index("FROM", parsed.index(froms[-1]))::]
    users = [i for i in runtime if i.cmd == "USER"]
    uid, gid = answers.get("uid", 65532), answers.get("gid", 65532)
    assert users and users[-1].value == (f"{uid}:{gid}",)
    assert int(users[-1].value[0].split(":")[0]) > 0
    labels = {}
    for instr in runtime:
        if instr.cmd == "LABEL":
            labels.update(dict(zip(instr.value[::2], instr.value[1::2])))
    keys = {k.removeprefix("org.opencontainers.image.") for k in labels}
    assert REQUIRED_LABELS <= keys
    health = [i for i in runtime if i.cmd == "HEALTHCHECK"]
    assert len(health) == 1 and health[0].value[0] == "CMD" and health[0].json
    entry = [i for i in runtime if i.cmd == "ENTRYPOINT"]
    assert len(entry) == 1 and entry[0].json
    expose = [i for i in runtime if i.cmd == "EXPOSE"]
    assert expose and expose[0].value == (str(answers.get("port", expose[0].value[0])),)
    assert not any(i.cmd == "ADD" for i in parsed)
    assert not any(i.cmd in ("ARG", "ENV") and any("TOKEN" in v.upper() or "PASSWORD" in v.upper()
                                                   or "SECRET" in v.upper() for v in i.value) for i in parsed)


@pytest.mark.parametrize("cid", IDS)
def test_runtime_stage_has_no_package_manager_when_distroless(baked, cid):
    answers, out = baked[cid]
    parsed = instructions(out / "Dockerfile")
    runtime_from = [i for i in parsed if i.cmd == "FROM"][-1].value[0]
    image = catalog.load().find(runtime_from.split("@")[0])
    assert image is not None
    flavour = yaml.safe_load((out / ".dockseal.yml").read_text())["answers"]["base_flavour"]
    if flavour in ("distroless", "chainguard"):
        assert image.pkg == "none" and not image.shell
        assert int(image.user) == 65532


@pytest.mark.parametrize("cid", IDS)
def test_record_matches_answers(baked, cid):
    answers, out = baked[cid]
    record = yaml.safe_load((out / ".dockseal.yml").read_text())
    for key, value in answers.items():
        assert record["answers"][key] == value
    assert set(record["images"]) >= {"builder", "runtime"}


@pytest.mark.slow
def test_checkov_dockerfile_zero_failed(baked):
    root = next(iter(baked.values()))[1].parent
    failed = checkers.checkov(root, "dockerfile")
    assert failed == [], json.dumps(failed[:20], indent=1)
