"""The JSON report, written line by line, parses to exactly the data a json.dumps of the findings would give."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from generator.policy.controls import registry
from generator.policy.finding import Finding
from generator.policy.formats import json_report

_findings = st.lists(st.builds(Finding, path=st.text(), line=st.integers(1, 10**6), column=st.integers(1, 10**4),
                               control=st.sampled_from(sorted(registry())), severity=st.text(), message=st.text()),
                     max_size=8)


@given(_findings, st.integers(0, 10**6))
def test_parses_to_the_findings(findings, files):
    titles = {cid: c.title for cid, c in registry().items()}
    assert json.loads(json_report.render(findings, files)) == {
        "files": files, "findings": [{**f.as_dict(), "title": titles[f.control]} for f in findings]}


def test_a_finding_a_line():
    findings = [Finding("a\nb", 1, 1, "DS001", "error", 'say "hi"\u2028'), Finding("c", 2, 3, "DS003", "info", "x")]
    lines = json_report.render(findings, 2).splitlines()
    assert len(lines) == 5 + len(findings) and lines[-1] == "}"  # {, files, findings [, ..., ], }
