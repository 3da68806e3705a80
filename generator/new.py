"""`dockseal new`: collect answers, render the template, write the files into the service directory."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from . import writer
from .answers import Answers, Ask, load_file, resolve
from .detect import detect_all, detected_answers
from .errors import AnswerError, InputError
from .hookslib import check_combinations
from .questions import questions
from .render import render

EXAMPLES = Path(__file__).parent / "examples"


@dataclass
class Options:
    target: Path
    set_values: dict[str, Any]
    answers_file: Path | None = None
    no_input: bool = False
    force: bool = False
    dry_run: bool = False
    example: str | None = None
    template: str | None = None  # a team template (DIR or GIT_URL); None: the organisation's, else built-in
    trust: bool = False  # run a team template's hooks
    config: Path | None = None  # organisation config file (found automatically when None)


@dataclass
class Result:
    answers: Answers
    changes: list[writer.Change]
    written: list[str]


def collect_answers(opts: Options, ask_factory: Callable[[], Ask] | None = None) -> Answers:
    """Answers by priority: --set > --answers > prompts > detection > defaults."""
    from .config import load as load_config

    given: dict[str, Any] = dict(load_config(opts.config).defaults)  # organisation defaults: lowest given layer
    given.update(load_file(opts.answers_file) if opts.answers_file else {})
    given.update(opts.set_values)
    # With --example the sample application is the source tree, so its command, port and lock file are detected.
    example = EXAMPLES / opts.example if opts.example else None
    detections = detect_all(example if example and example.is_dir() else opts.target)
    if "stack" not in given and len(detections) > 1 and opts.no_input:
        names = ", ".join(d.stack for d in detections)
        raise AnswerError("stack", f"the source tree matches several stacks ({names}); choose one with --set stack=NAME")
    ask = None
    if not opts.no_input:
        if ask_factory is None:
            from .prompts import asker as ask_factory
        ask = ask_factory()
        if "stack" not in given and len(detections) > 1:
            given["stack"] = _ask_stack(ask, detections)
    if given.get("stack") not in (None, "auto"):
        # Only the chosen stack's findings apply (a Laravel app also has a package.json).
        detections = [d for d in detections if d.stack == given["stack"]]
    return resolve(questions(), given, detected_answers(opts.target, detections), ask)


def _ask_stack(ask: Ask, detections: list) -> str:
    """Several stacks match: the user chooses first (never a silent guess), so the rest follows that stack."""
    names = ", ".join(f"{d.stack} ({', '.join(d.evidence[:2])})" for d in detections)
    print(f"dockseal: the source tree matches several stacks: {names}", file=sys.stderr)
    question = next(q for q in questions() if q.key == "stack")
    return ask(question, detections[0].stack, {})


def run(opts: Options, ask_factory: Callable[[], Ask] | None = None) -> Result:
    if opts.target.exists() and not opts.target.is_dir():
        raise InputError(f"{opts.target}: exists and is not a directory")
    example_files = _example_files(opts.example) if opts.example else {}
    if example_files:
        opts.set_values.setdefault("stack", opts.example)
    answers = collect_answers(opts, ask_factory)
    check_combinations({"_answers": answers})  # the pre-generation hook's rules, with their own message
    from .policy_config import base_warnings

    warnings = base_warnings(opts.target, answers["stack"], answers["stack_version"], answers["base_flavour"],
                             opts.config)
    for line in warnings:
        print(f"dockseal: warning: {line}", file=sys.stderr)
    from . import config, source

    src = source.resolve(opts.template or config.load(opts.config).template)
    src.require_trust(opts.trust)
    files = {**example_files, **render(answers, src.path, source=src.record())}
    changes = writer.plan(opts.target, files)
    if opts.dry_run:
        return Result(answers, changes, [])
    if not opts.force:
        writer.refuse_overwrites(changes)
    opts.target.mkdir(parents=True, exist_ok=True)
    return Result(answers, changes, writer.commit(opts.target, changes))


def examples() -> list[str]:
    return sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()) if EXAMPLES.is_dir() else []


def _example_files(stack: str) -> dict[str, bytes]:
    """The sample application for `stack`, shipped with dockseal, so `--example` gives a buildable service."""
    root = EXAMPLES / stack
    if not root.is_dir():
        raise InputError(f"--example: no built-in example for {stack!r}; available: {', '.join(examples())}")
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}  # installers compile .py



