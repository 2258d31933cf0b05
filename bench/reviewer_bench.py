"""Benchmark: the reviewer's heatmap page and XLSX export at 32 and at 200 nations.

    .venv/bin/python bench/reviewer_bench.py [--runs 15] [--keep DIR]      (or: make bench-reviewer)

For each scale it builds a scratch SQLite database (migrate, then `seed_demo` for the 32 Allies,
`seed_demo --nations 200 --cycles 6` for the large one), collects the static files, and requests
the pages through Django's test client with the production settings (second factor passed, as
after the OTP page): the heatmap of the last closed cycle (every nation accepted) and the XLSX
export of the same cycle. It prints the median time of each and how time grew against data.
Goal (issue 5): heatmap for 200 nations under 300 ms median; time growing no faster than the data.

`--keep DIR` keeps the databases in DIR and reuses them on the next run (seeding 200 nations over
six cycles takes minutes).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch import environment

ROOT = Path(__file__).resolve().parent.parent
SCALES = [("32 Allies", 0, 0), ("200 nations, 6 cycles", 200, 6)]
GOAL_MS = 300


def measure(folder: str, nations: int, cycles: int, runs: int) -> dict:
    """In a process of its own (Django is set up once per process): seed if needed, then time."""
    import django

    django.setup()
    from django.core.management import call_command

    fresh = not Path(folder, "seeded").exists()
    if fresh:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", nations=nations, cycles=cycles, verbosity=0)
        Path(folder, "seeded").write_text("ok")
        seeding = time.perf_counter() - started
    else:
        seeding = None
    if not Path(folder, "static", "staticfiles.json").exists():
        call_command("collectstatic", verbosity=0, interactive=False)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from accounts.otp import otp_session_for_tests
    from assessments.comparisons import COMPARED
    from assessments.models import Answer, Assessment, Cycle

    cycle = Cycle.objects.filter(closes_on__lt=Cycle.objects.order_by("-opens_on").first().opens_on).first()
    user = get_user_model().objects.get(username="reviewer")
    client = Client()
    client.force_login(user)
    otp_session_for_tests(client, user)

    def timed(url, n):
        """Median wall-clock and CPU milliseconds of `n` requests (CPU time shows our own cost
        when other processes share the machine)."""
        wall, cpu = [], []
        for _ in range(n + 2):  # two warm-up requests: template loading, first connection
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
            assert response.status_code == 200, (url, response.status_code)
        return statistics.median(wall[2:]) * 1000, statistics.median(cpu[2:]) * 1000

    heatmap, heatmap_cpu = timed(reverse("compare") + f"?cycle={cycle.pk}&sort=overall&dir=desc", runs)
    xlsx, xlsx_cpu = timed(reverse("compare_export_xlsx") + f"?cycle={cycle.pk}", max(3, runs // 2))
    return {
        "heatmap_cpu_ms": heatmap_cpu,
        "xlsx_cpu_ms": xlsx_cpu,
        "load": os.getloadavg()[0],
        "cycle": cycle.name,
        "nations": Assessment.objects.filter(cycle=cycle, status__in=COMPARED).count(),
        "answers": Answer.objects.filter(assessment__cycle=cycle, assessment__status__in=COMPARED).count(),
        "heatmap_ms": heatmap,
        "xlsx_ms": xlsx,
        "seeding_s": seeding,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed requests of the heatmap (default 15)")
    parser.add_argument("--keep", help="keep the scratch databases in this folder and reuse them")
    parser.add_argument("--child", nargs=3, metavar=("FOLDER", "NATIONS", "CYCLES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        folder, nations, cycles = args.child
        print(json.dumps(measure(folder, int(nations), int(cycles), args.runs)))
        return 0

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rb-reviewer-bench-"))
    results = []
    for label, nations, cycles in SCALES:
        folder = base / f"n{nations or 32}-c{cycles or 2}"
        folder.mkdir(parents=True, exist_ok=True)
        print(f"{label}: preparing {folder} ...", flush=True)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--runs",
                str(args.runs),
                "--child",
                str(folder),
                str(nations),
                str(cycles),
            ],
            env={**os.environ, **environment(folder, PYTHONPATH=str(ROOT))},
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(out.stdout, out.stderr, sep="\n")
            return out.returncode
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["label"] = label
        results.append(result)

    print()
    print("median milliseconds per request, wall clock (CPU of the serving process)")
    print(f"{'data':<24}{'cycle':>7}{'nations':>9}{'answers':>9}{'heatmap':>18}{'XLSX export':>20}")
    for r in results:
        print(
            f"{r['label']:<24}{r['cycle']:>7}{r['nations']:>9}{r['answers']:>9}"
            f"{r['heatmap_ms']:>10.1f} ({r['heatmap_cpu_ms']:>5.1f})"
            f"{r['xlsx_ms']:>12.1f} ({r['xlsx_cpu_ms']:>5.1f})"
            f"   load {r['load']:.1f}" + (f", seeded in {r['seeding_s']:.0f} s" if r["seeding_s"] else "")
        )
    small, large = results
    data = large["answers"] / small["answers"]
    heat = large["heatmap_ms"] / small["heatmap_ms"]
    xlsx = large["xlsx_ms"] / small["xlsx_ms"]
    print(
        f"\ndata grew x{data:.1f}; heatmap time x{heat:.1f} (CPU x"
        f"{large['heatmap_cpu_ms'] / small['heatmap_cpu_ms']:.1f}); XLSX time x{xlsx:.1f} (CPU x"
        f"{large['xlsx_cpu_ms'] / small['xlsx_cpu_ms']:.1f})"
    )
    ok = large["heatmap_ms"] < GOAL_MS and heat <= data * 1.1 and xlsx <= data * 1.1
    print(
        "GOAL " + ("MET" if ok else "NOT MET") + f": heatmap at 200 nations {large['heatmap_ms']:.0f} ms "
        f"(goal < {GOAL_MS} ms), time growing {'no faster' if max(heat, xlsx) <= data * 1.1 else 'faster'} "
        "than the data"
    )
    if not args.keep:
        print(f"(scratch databases in {base}; pass --keep DIR to reuse them)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
