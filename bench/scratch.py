"""The environment of a benchmark's scratch database: SQLite in a temporary folder, with the production
settings (DEBUG off: it records every query and would skew time and memory)."""

import os
from pathlib import Path


def environment(folder: Path, **extra: str) -> dict[str, str]:
    """Variables for a Django process working in `folder`; `extra` adds or overrides some."""
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "resilience.settings",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789"
        ),
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "STATIC_ROOT": str(folder / "static"),
        **extra,
    }
