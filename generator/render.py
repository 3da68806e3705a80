"""Drive cookiecutter to render the template into memory: {relative path: bytes}.

dockseal passes the validated answers through the private `_answers` variable, which cookiecutter copies
without rendering it as Jinja, so an answer such as `{{ 7*7 }}` stays data. Only the (validated) slug goes
through a public key, because it names the output folder.
"""

from __future__ import annotations

import os
import runpy
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .answers import Answers
from .errors import DocksealError, InputError
from .template import builtin_template


def render(answers: Answers, template: Path | None = None, images: dict[str, str] | None = None, *,
           accept_hooks: bool = True, source: dict[str, str] | None = None,
           in_process: bool = False, pinned_on: dict[str, str] | None = None) -> dict[str, bytes]:
    """Render `template` (default: the built-in one) with `answers`; nothing is written outside a temp dir.

    `images` and `pinned_on` (role -> reference, role -> date) are the record's pins and when each was seen
    current. `source` ({source, version}) is what the record names as the template; `in_process` runs the hooks inside
    this process (only for trusted Python hooks: it saves a Python start-up per hook when rendering many).
    """
    from cookiecutter.exceptions import CookiecutterException, FailedHookException
    from cookiecutter.generate import generate_context, generate_files
    from cookiecutter.prompt import prompt_for_config

    template = Path(template or builtin_template()).resolve()
    extra: dict[str, Any] = {"service_name": answers["service_name"], "_answers": dict(answers)}
    if images:
        extra["_images"] = dict(images)
    workdir = Path(tempfile.mkdtemp(prefix="dockseal-render-"))
    added = str(template) not in sys.path
    if added:
        sys.path.append(str(template))  # as cookiecutter does, so `_extensions` resolve from a checkout
    try:
        context = generate_context(context_file=str(template / "cookiecutter.json"), extra_context=extra)
        context.setdefault("cookiecutter", {}).setdefault("_images", {})
        context["cookiecutter"]["_images"] = dict(images or {})
        context["cookiecutter"] = prompt_for_config(context, no_input=True)
        if pinned_on:
            context["cookiecutter"]["_pinned_on"] = dict(pinned_on)
        if source and source.get("source") != "builtin":
            context["cookiecutter"]["_dockseal_template"] = dict(source)  # not a cookiecutter.json key: set here
        context["cookiecutter"].update(
            _template=str(template), _repo_dir=str(template), _output_dir=str(workdir), _checkout=None)
        try:
            with _hooks_in_process(in_process and accept_hooks):
                project = Path(generate_files(repo_dir=str(template), context=context, output_dir=str(workdir),
                                              accept_hooks=accept_hooks))
        except FailedHookException as err:
            raise InputError(f"the template refused these answers: {err}") from None
        except CookiecutterException as err:
            raise DocksealError(f"rendering failed: {err}") from err
        return _read_tree(project)
    finally:
        if added:
            sys.path.remove(str(template))
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def _hooks_in_process(enabled: bool) -> Iterator[None]:
    """Run cookiecutter's rendered Python hook scripts with runpy instead of a new interpreter."""
    if not enabled:
        yield
        return
    import cookiecutter.hooks as hooks

    original = hooks.run_script

    def run_script(script_path: str, cwd: Path | str = ".") -> None:
        if not script_path.endswith(".py"):
            return original(script_path, cwd)
        here = os.getcwd()
        os.chdir(cwd)
        try:
            runpy.run_path(script_path, run_name="__main__")
        except SystemExit as exc:
            if exc.code not in (None, 0):
                raise hooks.FailedHookException(f"Hook script failed (exit status: {exc.code})") from None
        finally:
            os.chdir(here)
        return None

    hooks.run_script = run_script
    try:
        yield
    finally:
        hooks.run_script = original


def _read_tree(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            path = Path(dirpath) / name
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return dict(sorted(files.items()))
