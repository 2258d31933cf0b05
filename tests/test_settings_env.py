"""Settings come from the environment and fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_django(env_extra, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "resilience.settings", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_mode_without_a_secret_key_refuses_to_start():
    result = run_django({"DJANGO_DEBUG": "false"}, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_malformed_boolean_is_refused():
    result = run_django({"DJANGO_DEBUG": "perhaps"}, "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_production_settings_pass_the_deployment_check():
    result = run_django(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-for-tests-0123456789",
            "DJANGO_ALLOWED_HOSTS": "resilience.example.org",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_classification_marking_comes_from_the_environment():
    result = run_django(
        {"DJANGO_DEBUG": "true", "CLASSIFICATION_MARKING": "NATO RESTRICTED"},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.CLASSIFICATION_MARKING)",
    )
    assert result.stdout.strip() == "NATO RESTRICTED"


def test_database_url_selects_postgresql():
    result = run_django(
        {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://u:p@db.internal:5432/rb"},
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "rb"]
