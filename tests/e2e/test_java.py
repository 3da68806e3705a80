"""The java sample, built, run hardened and rebuilt (the checks are in stack_checks.py)."""

from .stack_checks import *  # noqa: F401,F403 - the shared checks, run for STACK

STACK = "java"
