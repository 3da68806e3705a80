"""One FastCGI GET, for php-fpm, which speaks FastCGI rather than HTTP: the request a web server in front of it
(nginx's `fastcgi_pass`) would send for the front controller. Used like `Container.http_get`: the client runs
on the host inside the container's network namespace (`nsenter --net`), so images need no client of their own.

As a script: `python3 fastcgi.py PORT SCRIPT_FILENAME REQUEST_URI` prints the status, a newline and the body.
"""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import time
from typing import Any

BEGIN_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 3, 4, 5, 6
RESPONDER = 1


def _record(kind: int, content: bytes) -> bytes:
    return struct.pack(">BBHHBx", 1, kind, 1, len(content), 0) + content


def _pair(name: str, value: str) -> bytes:
    def length(data: bytes) -> bytes:
        return bytes([len(data)]) if len(data) < 128 else struct.pack(">I", len(data) | 0x80000000)

    key, val = name.encode(), value.encode()
    return length(key) + length(val) + key + val


def request(port: int, script: str, uri: str, timeout: float = 5) -> tuple[int, bytes]:
    """Send one GET for `uri` to `script` on 127.0.0.1:`port`; (status from the Status header or 200, body)."""
    path, _, query = uri.partition("?")
    params = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1",
              "SCRIPT_FILENAME": script, "SCRIPT_NAME": "/" + script.rsplit("/", 1)[-1],
              "DOCUMENT_ROOT": script.rsplit("/", 1)[0] or "/", "REQUEST_URI": uri, "DOCUMENT_URI": path,
              "QUERY_STRING": query, "SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
              "HTTP_HOST": "localhost"}
    body = b"".join(_pair(k, v) for k, v in params.items())
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(_record(BEGIN_REQUEST, struct.pack(">HB5x", RESPONDER, 0)) + _record(PARAMS, body)
                     + _record(PARAMS, b"") + _record(STDIN, b""))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    stdout, offset = b"", 0
    while offset + 8 <= len(data):
        _, kind, _, length, padding = struct.unpack(">BBHHBx", data[offset:offset + 8])
        content = data[offset + 8:offset + 8 + length]
        offset += 8 + length + padding
        if kind == STDOUT:
            stdout += content
        elif kind == END_REQUEST:
            break
    head, _, payload = stdout.partition(b"\r\n\r\n")
    status = 200
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"status":
            status = int(value.split()[0])
    if not stdout:
        raise ConnectionError("no FastCGI response")
    return status, payload


def get(container: Any, port: int, script: str, uri: str) -> tuple[int, bytes]:
    """`request` inside the container's network namespace; (0, error output) when it fails."""
    proc = subprocess.run(["nsenter", f"--net=/proc/{container.pid}/ns/net", sys.executable, __file__,
                           str(port), script, uri], capture_output=True, check=False)
    if proc.returncode != 0:
        return 0, proc.stderr
    status, _, body = proc.stdout.partition(b"\n")
    return int(status), body


def wait(container: Any, port: int, script: str, uri: str, deadline_s: float = 60) -> tuple[int, bytes]:
    """`get` until php-fpm answers (or the deadline passes), like `Container.wait_http`."""
    deadline = time.monotonic() + deadline_s
    while True:
        status, body = get(container, port, script, uri)
        if status or time.monotonic() > deadline:
            return status, body
        container.assert_running()
        time.sleep(0.3)


if __name__ == "__main__":
    code, answer = request(int(sys.argv[1]), sys.argv[2], sys.argv[3])
    sys.stdout.write(f"{code}\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(answer)
