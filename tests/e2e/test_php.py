"""The php sample, built, run hardened and rebuilt (the checks are in stack_checks.py; php-fpm is asked through
FastCGI, see fastcgi.py)."""

from .stack_checks import *  # noqa: F401,F403 - the shared checks, run for STACK

STACK = "php"
