"""`dockseal new` writes exactly the supply-chain files of the answers, prunes the rest, warns about DCT and
refuses impossible combinations with one line naming the key (exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.cli import main

from .supply_matrix import answers, outputs

SUPPLY = (".github/", ".gitlab-ci.yml", "signing/", "renovate.json", "SUPPLY-CHAIN.md")


def supply_files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).as_posix().startswith(SUPPLY)}


@pytest.mark.parametrize("sets", [
    ["source_url=https://github.com/Acme/Orders"],
    ["source_url=https://gitlab.com/acme/shop/orders", "scanner=grype"],
    ["signing=gpg", "gpg_fingerprint=0123456789abcdef0123456789abcdef01234567"],
    [],
], ids=["github-keyless", "gitlab-grype", "local-gpg", "defaults"])
def test_render_writes_exactly_the_module_outputs(tmp_path, sets):
    target = tmp_path / "svc"
    argv = ["new", "--no-input", "--set", "stack=python", "--set", "service_name=orders"]
    for item in sets:
        argv += ["--set", item]
    assert main([*argv, str(target)]) == 0
    record = yaml.safe_load((target / ".dockseal.yml").read_text())["answers"]
    expected = outputs(answers({k: record[k] for k in record}))
    assert supply_files(target) == expected
    if not sets:
        assert set(expected) == {"renovate.json", "SUPPLY-CHAIN.md"}, "no CI, no signing unless asked"


def test_dct_legacy_prints_the_retirement_warning(tmp_path, capsys):
    target = tmp_path / "svc"
    assert main(["new", "--no-input", "--set", "stack=python", "--set", "signing=dct-legacy", str(target)]) == 0
    err = capsys.readouterr().err
    assert "Docker has retired" in err and "2026-12-08" in err and "cosign" in err and "Notation" in err


@pytest.mark.parametrize("sets,key", [
    (["source_url=https://gitlab.com/acme/orders", "signing=gpg"], "signing"),
    (["signing=cosign-keyless"], "signer_identity"),
    (["ci=github", "signing=cosign-keyless", "image_repository=quay.io/acme/orders"], "signer_identity"),
    (["ci=jenkins"], "ci"),
    (["source_url=https://github.com/a/b", "scanner=clair"], "scanner"),
])
def test_impossible_combinations_exit_2_and_write_nothing(tmp_path, capsys, sets, key):
    target = tmp_path / "svc"
    argv = ["new", "--no-input", "--set", "stack=python"]
    for item in sets:
        argv += ["--set", item]
    assert main([*argv, str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"error: {key}:" in err, err
    assert not target.exists()
