"""Benchmark: the CPU time and queries of each page of the load scenario, one request at a time.

    .venv/bin/python bench/pages_bench.py [--runs 15]      (or: make bench-pages)

The load test (`make bench-load`) says whether the pages stay fast under fifty users; this says what each
page costs on its own, which is what decides it. It builds a scratch SQLite database (migrate, `seed_demo`,
`collectstatic`) in a temporary folder, then requests each page through Django's test client with the
production settings, as the load scenario's users do (a coordinator of Estonia, the reviewer), and prints for
each the CPU time of the process (not the wall clock, so that another program on the machine counts less),
best and median of the runs, and the number of queries. On a shared machine the best run is the steadier
figure.

The first line is a yardstick: the CPU time of a fixed pure-Python loop. Page figures from two machines
compare once divided by it; the load test's figures depend on it too.
"""

import argparse
import logging
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def yardstick() -> float:
    """CPU milliseconds of a fixed loop of integer additions: the machine's Python speed."""
    best = None
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i
        elapsed = (time.process_time() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return best


def main(runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="rb-pages-"))
    try:
        measure(folder, runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(folder: Path, runs: int) -> None:
    from scratch import environment

    # No second factor and no report cache: each page as a signed-in user meets it, every time.
    os.environ.update(environment(folder, OTP_REQUIRED="false", REPORT_CACHE_DIR=""))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.getLogger("security").setLevel(logging.WARNING)  # the exports' log lines, not figures
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from html_forms import fields_of

    print(f"Yardstick: {yardstick():.0f} ms CPU for 2,000,000 additions in a Python loop")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)

    users = get_user_model().objects
    planner, reviewer = Client(), Client()
    planner.force_login(users.get(username="planner-est"))
    reviewer.force_login(users.get(username="reviewer"))
    assessment = re.findall(r'href="/assessments/(\d+)/"', planner.get("/dashboard/").content.decode())[0]
    review = re.findall(r'href="/review/(\d+)/"', reviewer.get("/review/").content.decode())[0]
    pages = [
        ("dashboard", planner, "/dashboard/"),
        ("assessment overview", planner, f"/assessments/{assessment}/"),
        ("requirement page", planner, f"/assessments/{assessment}/requirements/2/"),
        ("goals", planner, f"/assessments/{assessment}/goals/"),
        ("plan", planner, f"/assessments/{assessment}/plan/"),
        ("review inbox", reviewer, "/review/"),
        ("review assessment", reviewer, f"/review/{review}/"),
        ("compare heatmap", reviewer, "/compare/"),
        ("compare collective", reviewer, "/compare/collective/"),
        ("export CSV", reviewer, "/compare/export.csv"),
        ("login page", Client(), "/login/"),
    ]
    print(f"{'page':<22}{'best CPU ms':>12}{'median':>8}{'queries':>9}")
    total = 0.0
    for name, client, url in pages:
        assert client.get(url).status_code == 200, url
        cpu = []
        for _ in range(runs):
            started = time.process_time()
            client.get(url)
            cpu.append((time.process_time() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        total += min(cpu)
        print(f"{name:<22}{min(cpu):>12.1f}{statistics.median(cpu):>8.1f}{len(queries):>9}")
    save = _save_cpu(planner, assessment, runs, fields_of)
    total += min(save)
    print(f"{'requirement save':<22}{min(save):>12.1f}{statistics.median(save):>8.1f}")
    print(f"Sum of the best runs: {total:.0f} ms CPU")


def _save_cpu(client, assessment, runs, fields_of) -> list[float]:
    """CPU ms of each run saving one changed level on the requirement page (the POST alone)."""
    url = f"/assessments/{assessment}/requirements/2/"
    cpu = []
    for _ in range(runs):
        fields = fields_of(client.get(url).content.decode())
        level = next(name for name in fields if name.endswith("-level"))
        fields[level] = str(random.randint(0, 5))
        fields["save"] = "stay"
        started = time.process_time()
        response = client.post(url, fields)
        cpu.append((time.process_time() - started) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return cpu


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    main(parser.parse_args().runs)
