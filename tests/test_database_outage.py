"""When the database goes away, pages answer a plain 503 and /healthz says so; when it comes back, the
same session works again without restarting the application (issue 6, "No lost data").

This test starts its OWN throwaway PostgreSQL (initdb into a temporary folder, its own port, never the
shared cluster) and a gunicorn with production settings pointed at it, then stops and restarts that
database under a logged-in session."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from glob import glob
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.skipif(
    not PG_BIN or not GUNICORN.exists(),
    reason="needs PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) and gunicorn in the venv",
)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """initdb + pg_ctl in a temporary folder, run as the postgres OS user when we are root (initdb refuses
    root)."""

    def __init__(self):
        self.bin = Path(PG_BIN[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="rb-outage-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.skip("running as root without runuser: cannot run initdb as the postgres user")
            shutil.chown(self.dir, user="postgres", group="postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, *args):
        return subprocess.run(
            [*self.as_postgres, str(self.bin / args[0]), *args[1:]],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def init(self):
        self.run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def remove(self):
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    """Just enough of a browser: cookies, CSRF token, no redirect following."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, response.headers, text

    def get(self, path):
        return self.request("GET", path)

    def log_in(self, username, password):
        status, _, page = self.get("/login/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        return self.request("POST", "/login/", body)


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def wait_until_serving(port, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def app_on_throwaway_postgres():
    pg = ThrowawayPostgres()
    server = None
    try:
        pg.init()
        pg.start()
        work = Path(tempfile.mkdtemp(prefix="rb-outage-app-"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "resilience.settings",
                "DJANGO_DEBUG": "false",
                "DJANGO_SECRET_KEY": "outage-test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SECURE_COOKIES": "false",
                "DATABASE_URL": pg.url(),
                "STATIC_ROOT": str(work / "static"),
                "PRIVATE_MEDIA_ROOT": str(work / "private"),
            }
        )
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput")
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from django.contrib.auth.models import User; "
            "User.objects.create_user('outage', password='outage-pass-123')",
        )
        port = free_port()
        server = subprocess.Popen(
            [
                str(GUNICORN),
                "resilience.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until_serving(port, server)
        yield pg, port
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        pg.remove()
        shutil.rmtree(work, ignore_errors=True)


def test_pages_answer_503_while_the_database_is_down_and_recover_without_a_restart(app_on_throwaway_postgres):
    pg, port = app_on_throwaway_postgres
    browser = Browser(port)
    status, headers, _ = browser.log_in("outage", "outage-pass-123")
    assert (status, headers["Location"]) == (302, "/dashboard/")
    assert browser.get("/dashboard/")[0] == 200
    assert browser.get("/healthz")[2] == '{"status": "ok", "database": "ok"}'

    pg.stop()
    for path in ["/dashboard/", "/login/", "/"]:
        status, headers, page = browser.get(path)
        assert status == 503, path
        assert "Temporarily unavailable" in page and "cannot reach its database" in page
        assert "Traceback" not in page
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    status, _, body = browser.get("/healthz")
    assert status == 503 and '"database": "unavailable"' in body

    pg.start()
    status, _, page = browser.get("/dashboard/")
    assert status == 200, page[:500]
    assert "outage" in page  # still the same session: the user's name in the navigation bar
    assert browser.get("/healthz")[0] == 200
