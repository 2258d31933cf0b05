"""Settings for the test suite: the production settings with a throwaway key, fast hashing,
private files in a temporary folder, and background tasks run at once."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789abcdefghijklmnop")

from .settings import *  # noqa: E402, F403
from .settings import CACHES, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="resilience-private-")
STORAGES = {
    **STORAGES,
    "default": {
        **STORAGES["default"],
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "private": {
        **STORAGES["private"],
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    **CACHES,
    "reports": {**CACHES["reports"], "LOCATION": os.path.join(PRIVATE_MEDIA_ROOT, "report-cache")},
}
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="resilience-static-")
