"""Run configuration written by the post-generation hook: compose, Kubernetes, host hardening notes.

Each module builds its files as Python data and serialises them (YAML/JSON), so answers never reach a file
as unescaped text; `files(ctx)` returns {relative path: text}.
"""
