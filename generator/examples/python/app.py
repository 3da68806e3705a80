"""A minimal HTTP service, the sample application of `dockseal new --example python`.

It answers 200 with a small JSON document on / and on the health path, 404 elsewhere, and is served by
waitress (a real third-party dependency, installed in the image's dependency layer).
"""

from __future__ import annotations

import json
import os
from typing import Callable, Iterable

from waitress import serve

HEALTH_PATH = os.environ.get("HEALTH_PATH", "/healthz")


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """The WSGI application."""
    path = environ.get("PATH_INFO", "/")
    if path in ("/", HEALTH_PATH):
        status, document = "200 OK", {"status": "ok", "service": "python-example"}
    else:
        status, document = "404 Not Found", {"status": "not found"}
    body = json.dumps(document).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


if __name__ == "__main__":
    serve(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))  # noqa: S104 - inside a container
