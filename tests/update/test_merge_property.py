"""Property: whatever a user edits in generated files (inserted, replaced or deleted lines), an update keeps it:
every line the user wrote is in the result, and no line the user deleted comes back outside a conflict."""

from __future__ import annotations

import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import need
from generator.answers import resolve
from generator.questions import questions
from generator.render import render
from generator.seal import RECORD
from generator.update import merge_tree

FILES = ["Dockerfile", "compose.yaml", "k8s/base/deployment.yaml", "k8s/base/service.yaml", ".dockerignore"]


@lru_cache(maxsize=None)
def renders() -> tuple[dict[str, bytes], dict[str, bytes]]:
    old = resolve(questions(), {"service_name": "orders", "stack": "python"})
    new = resolve(questions(), {"service_name": "orders", "stack": "python", "port": 9000, "replicas": 3,
                                "description": "Orders, renamed"})
    return render(old, in_process=True), render(new, in_process=True)


edit = st.tuples(st.sampled_from(FILES), st.sampled_from(["insert", "replace", "delete"]),
                 st.integers(min_value=0, max_value=10_000))


def outside_conflicts(text: str) -> str:
    """The text with every diff3 conflict region removed."""
    return re.sub(r"^<<<<<<< .*?^>>>>>>> [^\n]*\n", "", text, flags=re.S | re.M)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=1, max_size=8))
def test_every_edit_survives_an_update(edits):
    need("git")
    base, new = renders()
    tmp = Path(tempfile.mkdtemp(prefix="dockseal-prop-"))
    try:
        disk = {rel: data.decode().splitlines(keepends=True) for rel, data in base.items()}
        written, deleted = [], []
        for number, (rel, action, where) in enumerate(edits):
            lines = disk[rel]
            at = where % (len(lines) + 1)
            token = f"# user edit {number}\n"
            if action == "insert" or not lines:
                lines.insert(at, token)
                written.append((rel, token))
            elif action == "replace":
                at = min(at, len(lines) - 1)
                lines[at] = token
                written.append((rel, token))
            else:
                at = min(at, len(lines) - 1)
                gone = lines.pop(at)
                if sum(1 for x in base[rel].decode().splitlines(keepends=True) if x == gone) == 1 \
                        and not gone.startswith("# user edit"):
                    deleted.append((rel, gone))
        for rel, lines in disk.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text("".join(lines))
        plan = merge_tree(tmp, base, new, {})
        result = {c.path: c.new.decode() for c in plan.changes}
        for rel, token in written:
            if token in disk[rel]:  # a later edit may have replaced or deleted an earlier one
                assert token in result[rel], (rel, token)
        for rel, line in deleted:
            if line not in new[rel].decode().splitlines(keepends=True) or line in base[rel].decode():
                assert line not in outside_conflicts(result[rel]).splitlines(keepends=True) or \
                    line in "".join(disk[rel]), (rel, line)
        assert result[RECORD] == new[RECORD].decode()
    finally:
        shutil.rmtree(tmp)
