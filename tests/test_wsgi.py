"""The WSGI module gunicorn loads: it imports the views before any request (under `--preload`, once in
the master, so no worker's first user waits for it) and touches no database in doing so."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import resilience.wsgi
print(json.dumps({name: name in sys.modules for name in
      ("assessments.views.reviewer", "assessments.views.planner", "weasyprint", "matplotlib")}))
"""


def test_loading_the_wsgi_application_imports_the_views_without_a_database(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "resilience.settings",
        "DJANGO_SECRET_KEY": "wsgi-test-only-" + "x" * 40,
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Nothing listens on port 9: loading must not need the database (a server may start while it is away).
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "STATIC_ROOT": str(tmp_path / "static"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == dict.fromkeys(loaded, True)
