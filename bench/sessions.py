"""Signed-in sessions for the load test, made before it starts (bench/load.sh).

A password login costs about a tenth of a second of CPU by design (Argon2id); fifty users logging in
within the first seconds would measure the password hasher, not the pages. The load test therefore starts
from sessions made here the way a login makes them, and the login form itself is timed by a few users
who do log in (`Newcomer` in locustfile.py). Prints JSON {username: [session keys]}."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

PER_USER = int(sys.argv[1]) if len(sys.argv) > 1 else 50
keys = {}
for user in get_user_model().objects.filter(
    username__in=["planner-est", "planner-nor", "contrib-est", "reviewer"]
):
    keys[user.username] = []
    for _ in range(PER_USER):
        client = Client()
        client.force_login(user)
        keys[user.username].append(client.cookies[settings.SESSION_COOKIE_NAME].value)
print(json.dumps(keys))
