"""Logic behind the template hooks, kept in the package so it is tested like any other module."""

from __future__ import annotations

from typing import Any

from .jinja_ext import render_context


def check_combinations(cookiecutter: dict[str, Any]) -> None:
    """Raise a DocksealError when the answers cannot produce a working service.

    Resolving the render context validates every answer and the stack/version/flavour combination
    against the catalog; cross-answer rules live here as they are added.
    """
    ctx = render_context(cookiecutter)
    from .outputs.combinations import check_run_config

    check_run_config(ctx.a)
