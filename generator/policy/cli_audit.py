"""What `dockseal audit` does between parsing flags and exiting: list, fix, audit, report, decide the exit code."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from ..errors import InputError
from . import Config, Source, audit_sources, config as audit_config, discover, excluded, failing
from .controls import registry
from .formats import FORMATS


def list_text() -> str:
    return "".join(f"{c.id}  {c.severity:7}  {c.target:10}  {c.title}  [{', '.join(c.references)}]\n"
                   for c in registry().values())


def run(paths: list[Path], fmt: str, fail_on: str | None, config_file: Path | None, fix: bool, dry_run: bool,
        offline: bool, list_controls: bool, jobs: int | None = None) -> int:
    """Returns the exit code: 0 clean (below the threshold), 1 findings at or above it."""
    if list_controls:
        click.echo(list_text(), nl=False)
        return 0
    if (dry_run or offline) and not fix:
        raise InputError("--dry-run and --offline only apply to --fix")
    config = audit_config.load(config_file).with_fail_on(fail_on)
    sources = [s for s in discover(paths) if not excluded(s.path, config.exclude)]
    if fix:
        _fix(sources, config, fmt, dry_run, offline)
    findings = audit_sources(sources, config, jobs)
    click.echo(FORMATS[fmt](findings, len(sources)), nl=False)
    return 1 if failing(findings, config.fail_on) else 0


def _fix(sources: list[Source], config: Config, fmt: str, dry_run: bool, offline: bool) -> None:
    """Make (or with `dry_run` show) the fixes for what the audit of `sources` reports. The diff goes to
    standard output only when the report is text: a JSON or SARIF report must stay the only thing there."""
    from .. import writer  # only --fix writes: the audit alone does not load the writer
    from . import fix as fixing

    result = fixing.plan(sources, config)
    for note in result.notes:
        click.echo(f"dockseal: {note}", err=True)
    if dry_run:
        for directory, change in result.changes:
            shown = replace(change, path=(directory / change.path).as_posix())  # a/<path> as given: patch -p1
            click.echo(writer.diff(shown), nl=False, err=fmt != "text")
        click.echo("dry run: nothing was written", err=True)
        return
    for path in fixing.apply(result):
        click.echo(f"fixed {path}", err=True)
    if not offline:
        for note in fixing.pin_from_registries(result.unpinned):
            click.echo(f"dockseal: {note}", err=True)
