"""The health checks of the new stacks, run for real against local servers: each must exit 0 for a 2xx/3xx
answer and non-zero for an error status or a closed port. The argv comes from the stack plug-ins, so what is
tested is what the Dockerfile runs (with /app paths pointed at a temporary copy)."""

from __future__ import annotations

import glob
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, need
from generator import stacks

SUPPORT = ROOT / "{{cookiecutter.service_name}}" / ".dockseal"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.send_response(200 if self.path.startswith("/ok") else 503)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def http_port():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def answers(stack: str, port: int, path: str, **extra) -> dict:
    return {"stack": stack, "port": port, "health_path": path, "command": ["x"], "service_name": "svc", **extra}


def outcomes(stack: str, port: int, rewrite=lambda argv: argv, **extra) -> list[int]:
    """Exit codes of the stack's health check for: a healthy path, an erroring path, a closed port."""
    closed = free_port()
    codes = []
    for target_port, path in ((port, "/ok"), (port, "/fail"), (closed, "/ok")):
        argv = rewrite(stacks.get(stack).runtime(answers(stack, target_port, path, **extra), True).healthcheck)
        codes.append(subprocess.run(argv, capture_output=True, timeout=30).returncode)
    return codes


def assert_healthy_then_not(codes: list[int]) -> None:
    assert codes[0] == 0 and codes[1] != 0 and codes[2] != 0, codes


def test_java_probe_class(http_port, tmp_path):
    need("java")
    subprocess.run([need("javac"), "--release", "11", "-d", str(tmp_path),
                    str(SUPPORT / "healthprobe" / "HealthProbe.java")], check=True)
    assert_healthy_then_not(outcomes("java", http_port, lambda argv: [
        str(tmp_path) if arg == "/app/.dockseal" else arg for arg in argv]))


def test_rust_probe_binary(http_port, tmp_path):
    subprocess.run([need("rustc"), "-C", "opt-level=2", "-o", str(tmp_path / "healthprobe"),
                    str(SUPPORT / "healthprobe" / "main.rs")], check=True)
    assert_healthy_then_not(outcomes("rust", http_port, lambda argv: [str(tmp_path / "healthprobe"), *argv[1:]]))


def test_dotnet_bash_probe(http_port):
    need("bash")
    assert_healthy_then_not(outcomes("dotnet", http_port))


def test_ruby_probe(http_port):
    need("ruby")
    assert_healthy_then_not(outcomes("ruby", http_port))


def test_static_busybox_wget_probe(http_port):
    busybox = need("busybox")
    assert_healthy_then_not(outcomes("static", http_port, lambda argv: [busybox, *argv]))


@pytest.mark.parametrize("framework", ["none", "laravel"])
def test_php_fastcgi_probe_against_php_fpm(tmp_path, framework):
    need("php")
    fpm = (glob.glob("/usr/sbin/php-fpm*") or [None])[0] or need("php-fpm")
    app = tmp_path / "app"
    front = app / ("public/index.php" if framework == "laravel" else "index.php")
    front.parent.mkdir(parents=True)
    front.write_text("<?php if (str_starts_with($_SERVER['REQUEST_URI'], '/ok')) { echo 'ok'; } "
                     "else { http_response_code(503); }\n")
    port = free_port()
    root = os.geteuid() == 0  # the temporary tree is private to this user; as root, php-fpm needs -R
    user = "user = root\ngroup = root\n" if root else ""
    (tmp_path / "fpm.conf").write_text(f"[global]\nerror_log = {tmp_path}/fpm.log\ndaemonize = no\n[www]\n{user}"
                                       f"listen = 127.0.0.1:{port}\npm = static\npm.max_children = 2\n")
    proc = subprocess.Popen([fpm, "--nodaemonize", "-n", *(["-R"] if root else []), "-y", str(tmp_path / "fpm.conf")])
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)

        def rewrite(argv):
            argv = [str(SUPPORT / "php" / "fcgi-probe.php") if a.endswith("fcgi-probe.php") else a for a in argv]
            return [str(front) if a.startswith("/app/") and a.endswith("index.php") else a for a in argv]
        assert_healthy_then_not(outcomes("php", port, rewrite, framework=framework))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_nginx_serves_the_generated_site_config(tmp_path):
    """The generated default.conf loads in a real nginx, answers the health path itself, refuses hidden files."""
    import urllib.error
    import urllib.request

    from generator.cli import main

    nginx = need("nginx")
    port = free_port()
    assert main(["new", "--no-input", "--set", "stack=static", "--set", f"port={port}", str(tmp_path / "svc")]) == 0
    site = tmp_path / "html"
    (site / ".git").mkdir(parents=True)
    (site / "index.html").write_text("<p>hi</p>")
    (site / ".git" / "config").write_text("secret")
    conf = (tmp_path / "svc" / ".dockseal" / "nginx" / "default.conf").read_text()
    (tmp_path / "site.conf").write_text(conf.replace("/usr/share/nginx/html", str(site)))
    temp = tmp_path / "t"
    (tmp_path / "nginx.conf").write_text(
        f"{'user root;' if os.geteuid() == 0 else ''}\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; client_body_temp_path {temp}/c; proxy_temp_path {temp}/p; "
        f"fastcgi_temp_path {temp}/f; uwsgi_temp_path {temp}/u; scgi_temp_path {temp}/s; "
        f"include {tmp_path}/site.conf; }}\n")
    temp.mkdir()
    subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf")], check=True, capture_output=True)
    proc = subprocess.Popen([nginx, "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"])
    try:
        def status(path: str) -> int:
            for _ in range(100):
                try:
                    return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=4).status
                except urllib.error.HTTPError as err:
                    return err.code
                except OSError:
                    time.sleep(0.05)
            raise AssertionError("nginx did not start")
        assert status("/healthz") == 200
        assert status("/") == 200
        assert status("/.git/config") == 403
        assert status("/missing") == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(temp, ignore_errors=True)
