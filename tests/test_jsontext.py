"""JSON written a record a line parses to what json.dumps would have written, whatever the strings hold."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from generator import __version__, jsontext, sarif

_text = st.text()
_records = st.lists(st.dictionaries(_text, st.one_of(_text, st.integers(), st.lists(_text, max_size=3))),
                    max_size=5)


@given(_records, st.integers(0, 8))
def test_records_parse_back(items, indent):
    assert json.loads(jsontext.records(items, indent)) == items


@given(_records, st.lists(st.tuples(_text, st.integers(1, 10**6), st.integers(1, 500)), max_size=5))
def test_sarif_document_is_the_log(rules, results):
    encoded = [sarif.result("DS001", 0, "error", message, "src/Dockerfile", line, column)
               for message, line, column in results]
    assert json.loads(sarif.document(rules, encoded)) == {
        "$schema": sarif.SCHEMA, "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "dockseal", "version": __version__, "rules": rules}},
                  "results": encoded}]}
