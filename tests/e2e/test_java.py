"""The java sample, built, run hardened and rebuilt (the checks are in stack_checks.py)."""

from .service import HOST_CA_BUNDLE
from .stack_checks import *  # noqa: F401,F403 - the shared checks, run for STACK
from .stack_checks import Built

STACK = "java"


def test_ca_bundle_reaches_the_build_trust_store(built: Built) -> None:
    """The `ca_bundle` secret is imported into the builder's trust store: every certificate of it, by the one JVM
    the dependency step runs (a bundle that silently did not land would only show behind a TLS proxy)."""
    certificates = HOST_CA_BUNDLE.read_text().count("-----BEGIN CERTIFICATE-----")
    assert certificates > 0
    assert f"{certificates} certificates added to the build trust store" in built.first.output
