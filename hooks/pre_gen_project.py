"""Refuse impossible answer combinations before anything is rendered (exit 1 with one clear line).

Jinja appears only inside the string literal below, so this file stays importable and unit-testable.
"""

import json
import sys

CONTEXT_JSON = r'''{{ cookiecutter | tojson }}'''


def _import_generator(context):
    """The hook runs as its own process; from a checkout the package sits in the template's directory."""
    try:
        import generator  # noqa: F401
    except ImportError:
        sys.path.insert(0, context.get("_repo_dir", "."))


def main():
    context = json.loads(CONTEXT_JSON)
    _import_generator(context)
    from generator.errors import DocksealError
    from generator.hookslib import check_combinations

    try:
        check_combinations(context)
    except DocksealError as err:
        print(f"dockseal: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
