"""Benchmark: the national progress report of a fully answered assessment.

    .venv/bin/python bench/report_bench.py [--runs 7] [--cores 2] [--profile]

Builds a scratch SQLite database in a temporary folder (migrate + seed_demo), answers every
indicator of Estonia's current assessment with a justification, two cited documents each and an
open query on every third answer, then renders the report several times and prints the median
time, the page count and the peak memory. Goal (issue 4): median under 1.5 s and peak under 300 MB
on 2 cores. Every timed render lays the report out anew (the report cache is emptied before it);
the first is reported apart, as it parses the print CSS and draws the charts, which later renders
reuse. Then the time of an unchanged report, which the application serves from the report cache.
"""

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_environment(folder: Path) -> None:
    from scratch import environment

    os.environ.update(environment(folder, REPORT_CACHE_DIR=str(folder / "report-cache")))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", verbosity=0)


def fully_answered_assessment():
    """Estonia's current assessment with every indicator answered, evidence and open queries."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import Answer, Assessment, Comment, Evidence

    assessment = Assessment.objects.select_related("cycle").get(
        nation__code="EST", status=Assessment.Status.DRAFT
    )
    planner = get_user_model().objects.get(username="planner-est")
    reviewer = get_user_model().objects.get(username="reviewer")
    now = timezone.now()
    answers = list(assessment.answers.select_related("indicator"))
    for n, answer in enumerate(answers):
        indicator = answer.indicator
        if indicator.is_maturity:
            answer.level, answer.value = n % 6, None
        else:
            answer.level = None
            answer.value = indicator.threshold + (indicator.target - indicator.threshold) * ((n % 5) / 4)
        answer.justification = (
            f"Assessed by the national resilience board for {indicator.code}. The figure comes from the "
            "sector regulator's annual return and the last national exercise; gaps are tracked in the "
            "implementation plan and reviewed each quarter with the lead ministry.\n"
            "Independent audit by the national audit office is scheduled for next year."
        )
        answer.confidence = ["low", "medium", "high"][n % 3]
        answer.updated_by, answer.updated_at = planner, now
        answer.version += 1
    Answer.objects.bulk_update(
        answers, ["level", "value", "justification", "confidence", "updated_by", "updated_at", "version"]
    )
    Evidence.objects.filter(answer__assessment=assessment).delete()
    Evidence.objects.bulk_create(
        Evidence(answer=a, citation=f"National {a.indicator.code} sector plan, edition {k}, section {k + 2}")
        for a in answers
        for k in (1, 2)
    )
    Comment.objects.bulk_create(
        Comment(
            assessment=assessment,
            answer=a,
            author=reviewer,
            kind=Comment.Kind.QUERY,
            body=f"Please cite the source of the figure given for {a.indicator.code}.",
        )
        for a in answers[::3]
    )
    return assessment


def cpu_seconds() -> float:
    """CPU time of this process and of the layout processes it waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cores", type=int, default=2, help="pin the process to this many CPUs (0: all)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one render")
    args = parser.parse_args()
    if args.cores and hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, available[: args.cores])

    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        print("Preparing a scratch database (migrate + seed_demo)...", flush=True)
        setup_environment(Path(folder))
        from django.core.cache import caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from pypdf import PdfReader

        from assessments.reports import national_report_pdf

        def render_anew(assessment):
            """A full layout: the report cache is emptied first (it would serve the unchanged report)."""
            caches["reports"].clear()
            return national_report_pdf(assessment)

        assessment = fully_answered_assessment()
        answered = assessment.answers.exclude(level=None, value=None).count()

        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            pdf = render_anew(assessment)
        first = time.perf_counter() - start
        pages = len(PdfReader(io.BytesIO(pdf)).pages)

        times, cpu_times = [], []
        for _ in range(args.runs):
            caches["reports"].clear()
            start, cpu_start = time.perf_counter(), cpu_seconds()
            national_report_pdf(assessment)
            times.append(time.perf_counter() - start)
            cpu_times.append(cpu_seconds() - cpu_start)

        hits = []
        for _ in range(args.runs):
            start = time.perf_counter()
            national_report_pdf(assessment)  # unchanged since the last run: from the cache
            hits.append(time.perf_counter() - start)

        caches["reports"].clear()
        national_report_pdf(assessment)
        # The layout runs in a child process (reports/pdf.py): the peak is the largest of the
        # children's and this process's own (ru_maxrss is in KiB on Linux).
        rss_peak = max(
            resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        rss_peak /= 1024

        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"Report: {assessment.nation.code} {assessment.cycle.name}, {answered} indicators answered")
        print(f"CPUs used:          {cpus}")
        print(f"Pages:              {pages}")
        print(f"PDF size:           {len(pdf) / 1024:.0f} KB")
        print(f"Database queries:   {len(queries)}")
        print(f"First render:       {first:.2f} s (parses the print CSS, draws the charts)")
        median = statistics.median(times)
        print(f"Median of {args.runs} runs:   {median:.2f} s (min {min(times):.2f}, max {max(times):.2f})")
        cpu = statistics.median(cpu_times)
        print(f"Median CPU time:    {cpu:.2f} s (the wall time includes waiting for a busy CPU)")
        hit = statistics.median(hits) * 1000
        print(f"Unchanged report:   {hit:.0f} ms median (its HTML is built, the PDF comes from the cache)")
        print(f"Peak memory:        {rss_peak:.0f} MB (resident, the largest process)")

        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(render_anew, assessment)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
