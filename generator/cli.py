"""The `dockseal` command line: collect flags, call the library, map errors to exit codes.

Exit codes: 0 ok, 1 findings/drift/conflicts, 2 invalid input or usage (nothing written), 3 unexpected error,
130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import DocksealError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dockseal")
def cli() -> None:
    """Scaffold and regenerate hardened container setups."""


@cli.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option("--set", "set_values", multiple=True, metavar="KEY=VALUE",
              help="An answer, read as a YAML scalar (repeatable; highest priority).")
@click.option("--answers", "answers_file", type=click.Path(path_type=Path), help="Answers from a YAML or JSON file.")
@click.option("--no-input", is_flag=True, help="Never prompt: use --set, --answers, detection and defaults.")
@click.option("--force", is_flag=True, help="Replace existing files that dockseal would write.")
@click.option("--dry-run", is_flag=True, help="Show what would be written, with diffs; write nothing.")
@click.option("--example", metavar="STACK", help="Also write dockseal's sample application for STACK.")
@click.option("--template", metavar="DIR|GIT_URL", help="A team's cookiecutter template instead of the built-in one.")
@click.option("--trust", is_flag=True, help="Run the hooks of a template that is not built in.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Organisation config file.")
def new(directory: Path, set_values: tuple[str, ...], answers_file: Path | None, no_input: bool, force: bool,
        dry_run: bool, example: str | None, template: str | None = None, trust: bool = False,
        config_file: Path | None = None) -> None:
    """Write a hardened Dockerfile (and friends) for the service in DIRECTORY (default: .)."""
    from . import writer
    from .answers import parse_set
    from .new import Options, run

    from .catalog import eol_warnings

    opts = Options(directory, parse_set(set_values), answers_file, no_input, force, dry_run, example, template, trust,
                   config_file)
    result = run(opts)
    a = result.answers
    for line in eol_warnings(a["stack"], a["stack_version"], a["base_flavour"]):
        click.echo(f"dockseal: warning: {line}", err=True)
    if a.get("signing") == "dct-legacy":
        from .outputs.signing import DCT_WARNING

        click.echo(f"dockseal: {DCT_WARNING}", err=True)
    if dry_run:
        for change in result.changes:
            click.echo(f"{change.status:9} {directory / change.path}")
        for change in result.changes:
            if change.status != "unchanged":
                click.echo(writer.diff(change), nl=False)
        click.echo("dry run: nothing was written", err=True)
        return
    for path in result.written:
        click.echo(f"wrote {directory / path}")
    unchanged = sum(1 for c in result.changes if c.status == "unchanged")
    if unchanged:
        click.echo(f"{unchanged} file(s) already up to date")


@cli.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path))
@click.option("--set", "set_values", multiple=True, metavar="KEY=VALUE", help="Change an answer (repeatable).")
@click.option("--template", metavar="DIR|GIT_URL", help="Move the service to this cookiecutter template.")
@click.option("--trust", is_flag=True, help="Run the hooks of a template that is not built in.")
@click.option("--keep-pins", is_flag=True, help="Keep the recorded base image digests instead of the catalog's.")
@click.option("--dry-run", is_flag=True, help="Show the diff of what would change; write nothing.")
def update(directory: Path, set_values: tuple[str, ...], template: str | None, trust: bool, keep_pins: bool,
           dry_run: bool) -> None:
    """Re-render DIRECTORY from its .dockseal.yml and merge three ways, keeping your edits (exit 1 on conflicts)."""
    from . import update as updating
    from . import writer
    from .answers import parse_set

    result = updating.plan(directory, parse_set(set_values), template, trust, keep_pins)
    for note in result.notes:
        click.echo(f"dockseal: {note}", err=True)
    if dry_run:
        for change in result.changes:
            if change.status != "unchanged":
                click.echo(writer.diff(change), nl=False)
        for rel in result.deletions:
            click.echo(f"delete {directory / rel}")
        click.echo("dry run: nothing was written", err=True)
    else:
        for rel in updating.apply(directory, result):
            click.echo(f"{'conflict' if rel in result.conflicts else 'updated'} {directory / rel}")
        for rel in result.deletions:
            click.echo(f"deleted {directory / rel}")
    if result.conflicts:
        click.echo(f"dockseal: {len(result.conflicts)} file(s) with conflicts (diff3 markers <<<<<<< ||||||| "
                   f"======= >>>>>>>): {', '.join(result.conflicts)}", err=True)
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("directories", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "find_all", is_flag=True, help="Check every .dockseal.yml below the current directory.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@click.option("--template", metavar="DIR|GIT_URL", help="Compare against this template instead of the recorded one.")
@click.option("--trust", is_flag=True, help="Run the hooks of a template that is not built in.")
@click.option("--config", "config_file", type=click.Path(path_type=Path), help="Organisation config file.")
@click.option("--full", is_flag=True, help="Always re-render, even when the sealed hashes prove the render.")
def check(directories: tuple[Path, ...], find_all: bool, fmt: str, template: str | None, trust: bool,
          config_file: Path | None, full: bool) -> None:
    """Exit 1 when a service drifted from its render, has stale or missing pins, or breaks policy."""
    from . import config
    from .check import check_services, find_services
    from .errors import InputError
    from .report import FORMATS

    dirs = list(directories) or ([] if find_all else [Path(".")])
    if find_all:
        dirs += find_services(Path("."))
        if not dirs:
            raise InputError("--all: no .dockseal.yml found below the current directory")
    findings = check_services(dirs, config.load(config_file), template, trust, full)
    click.echo(FORMATS[fmt](findings, len(dirs)), nl=False)
    if any(f.level != "note" for f in findings):
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=Path("docker-bake.hcl"), show_default=True)
def bake(directory: Path, output: Path) -> None:
    """Write a docker-bake.hcl with one target per service below DIRECTORY (buildx builds them in parallel)."""
    from .bake import write_bake

    services = write_bake(directory, output)
    click.echo(f"wrote {output} ({len(services)} target(s))")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; exit 1 listing unpinned and stale references.")
@click.option("--offline", is_flag=True, help="Use only the catalog's digests; contact no registry.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--mirror", "mirrors", multiple=True, metavar="PREFIX=HOST[:PORT][/PATH]",
              help="Fetch references under PREFIX from a mirror, e.g. docker.io=mirror.example:5000 (repeatable).")
@click.option("--timeout", type=float, metavar="SECONDS", help="Per-request registry timeout (default 10).")
def pin(paths: tuple[Path, ...], check: bool, offline: bool, fmt: str, mirrors: tuple[str, ...],
        timeout: float | None) -> None:
    """Pin image references in PATHS (default: .) to digests: Dockerfiles, compose, Kubernetes, kustomize."""
    from .pin import Options, run
    from .pin_report import render
    from .policy_config import parse_mirror_flags

    report = run(Options(list(paths), check, offline, parse_mirror_flags(mirrors), timeout))
    for line in report.warnings:
        click.echo(f"dockseal: warning: {line}", err=True)
    click.echo(render(report, fmt, check), nl=False)
    if check and report.problems:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="Report format (SARIF 2.1.0 for code scanning).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "none"]),
              help="Exit 1 when a finding has this severity or higher (default: info, or the config's fail_on).")
@click.option("--config", "config_file", type=click.Path(path_type=Path),
              help="Audit settings file (default: .dockseal-audit.yml when present).")
@click.option("--fix", is_flag=True, help="Apply the safe mechanical fixes (digests, securityContext, USER).")
@click.option("--dry-run", is_flag=True, help="With --fix: show the diff; write nothing.")
@click.option("--offline", is_flag=True, help="With --fix: pin from dockseal's catalog only; ask no registry.")
@click.option("--list", "list_controls", is_flag=True, help="List the controls and exit.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Worker processes (default: one per available CPU; small batches run in one).")
def audit(paths: tuple[Path, ...], fmt: str, fail_on: str | None, config_file: Path | None, fix: bool,
          dry_run: bool, offline: bool, list_controls: bool, jobs: int | None) -> None:
    """Check Dockerfiles, compose files and Kubernetes manifests under PATHS (default: .) against the controls."""
    from .policy import cli_audit

    code = cli_audit.run(list(paths) or [Path(".")], fmt, fail_on, config_file, fix, dry_run, offline,
                         list_controls, jobs)
    if code:
        raise click.exceptions.Exit(code)


def main(argv: list[str] | None = None) -> int:
    """Entry point: one handler turns every error into a message and an exit code."""
    try:
        code = cli.main(args=argv, prog_name="dockseal", standalone_mode=False)
    except DocksealError as err:
        click.echo(f"dockseal: error: {err}", err=True)
        return err.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as err:
        err.show()
        return 2
    except (KeyboardInterrupt, click.exceptions.Abort):
        click.echo("\ndockseal: interrupted; nothing was written", err=True)
        return 130
    except Exception as err:  # noqa: BLE001 - the last line of defence
        click.echo(f"dockseal: unexpected error ({type(err).__name__}: {err}); please report it", err=True)
        return 3
    return code if isinstance(code, int) else 0  # a command's click.exceptions.Exit(1): findings, conflicts


if __name__ == "__main__":
    sys.exit(main())
