"""One flat family of errors, each carrying the exit code the CLI maps it to.

Keeping the exit code on the exception lets library code say *what kind* of failure happened
without knowing about the command line (0 ok, 1 findings, 2 bad input, 3 bug, 130 Ctrl-C).
"""

from __future__ import annotations


class DocksealError(Exception):
    """Base of every error dockseal reports to the user as one clear line."""

    exit_code = 3


class InputError(DocksealError):
    """Bad usage, answers, files or combinations: the user can fix it. Nothing was written."""

    exit_code = 2


class AnswerError(InputError):
    """An answer failed validation; names the key and what is allowed."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.reason = message


class RefusedWrite(InputError):
    """A file would be overwritten without --force."""


class PolicyError(InputError):
    """A base image or value that the trust policy does not allow."""
