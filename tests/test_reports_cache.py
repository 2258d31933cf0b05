"""Reports kept by content: an unchanged report is laid out once, a changed one is always new."""

import io
import os

import pytest
import weasyprint
from django.core.cache import caches
from django.urls import reverse

from assessments.models import Answer
from assessments.reports import pdf as pipeline
from tests.reports_support import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def layouts(monkeypatch):
    """Every HTML that is laid out, in order (the real engine still does the work)."""
    seen = []
    real = pipeline.layout_in_child

    def recording(html):
        seen.append(html)
        return real(html)

    monkeypatch.setattr(pipeline, "layout_in_child", recording)
    caches["reports"].clear()
    return seen


def download(client, assessment):
    response = client.get(reverse("assessment_report_pdf", args=[assessment.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    return response.content


def test_an_unchanged_report_is_laid_out_once_and_served_the_same(
    planner_est, contrib_est, est_current, layouts
):
    first = download(planner_est, est_current)
    # Another user of the nation, later: the same document, not laid out again.
    assert download(contrib_est, est_current) == first
    assert len(layouts) == 1


def test_a_changed_answer_gives_a_new_report_at_once(planner_est, est_current, layouts):
    before = download(planner_est, est_current)
    answer = Answer.objects.filter(assessment=est_current, indicator__code="BLR-1.1").get()
    answer.justification = "Revised after the autumn exercise: continuity plans tested in all ministries."
    answer.save()
    after = download(planner_est, est_current)
    assert after != before and len(layouts) == 2
    assert "Revised after the autumn exercise" in " ".join(pdf_text(after).split())


def test_a_new_stylesheet_or_engine_version_changes_the_key(monkeypatch):
    html = "<p>Same content</p>"
    key = pipeline.cache_key(html)
    assert pipeline.cache_key(html) == key
    assert pipeline.cache_key(html + " ") != key
    sheet, digest = pipeline._stylesheet()
    try:
        pipeline._stylesheet_cache[next(iter(pipeline._stylesheet_cache))] = (sheet, "another stylesheet")
        assert pipeline.cache_key(html) != key
    finally:
        pipeline._stylesheet_cache.clear()
    assert pipeline.cache_key(html) == key
    monkeypatch.setattr(weasyprint, "__version__", "999.0")
    assert pipeline.cache_key(html) != key


def test_the_cache_is_private_files_outside_static_and_media_urls(settings):
    location = settings.CACHES["reports"]["LOCATION"]
    assert str(location).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert not str(location).startswith(str(settings.STATIC_ROOT))


def test_the_layout_runs_in_a_child_process_at_low_priority(monkeypatch):
    monkeypatch.setattr(pipeline, "layout_pdf", lambda html, fetcher: f"{os.getpid()} {os.nice(0)}".encode())
    pid, niceness = pipeline.layout_in_child("<p>x</p>").decode().split()
    assert int(pid) != os.getpid()
    assert int(niceness) >= os.nice(0) + 10 or int(niceness) == 19


def test_a_layout_that_fails_in_the_child_fails_the_request_with_its_reason(monkeypatch):
    def broken(html, fetcher):
        raise ValueError("no room on the page")

    monkeypatch.setattr(pipeline, "layout_pdf", broken)
    with pytest.raises(RuntimeError, match="ValueError: no room on the page"):
        pipeline.layout_in_child("<p>x</p>")


def test_warm_reports_lays_out_the_reports_awaiting_review_beforehand(layouts, reviewer):
    from django.core.management import call_command

    from assessments.models import Assessment

    waiting = Assessment.objects.filter(status=Assessment.Status.SUBMITTED)
    latvia = waiting.get(nation__code="LVA")
    waiting.exclude(pk=latvia.pk).update(status=Assessment.Status.ACCEPTED)
    call_command("warm_reports", stdout=io.StringIO())
    assert len(layouts) == 1
    # The reviewer's download is then served without a layout.
    assert download(reviewer, latvia).startswith(b"%PDF-") and len(layouts) == 1
