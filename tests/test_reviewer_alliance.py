"""The alliance comparative PDF: requested from the compare page, rendered by a background task
(never inside the request), shown as "being prepared" until it is ready, then downloadable. A
failed render shows an error, not a page waiting forever.

The suite runs tasks with django-tasks' ImmediateBackend; one test uses the real database backend
and its worker (`db_worker --batch`), as `make run` does."""

import io
import re
import signal
import tempfile
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Assessment

from .conftest import client_for
from .reviewer_support import previous_cycle

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def request_report(client, cycle):
    response = client.post(reverse("alliance_report_request"), {"cycle": cycle.pk})
    assert response.status_code == 302
    match = re.fullmatch(r"/compare/alliance-report/([\w-]+)/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def status_page(client, result_id):
    return client.get(reverse("alliance_report_status", args=[result_id]))


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def assert_is_the_alliance_report(content, cycle):
    assert content.startswith(b"%PDF")
    reader, pages = pdf_text(content)
    text = " ".join("\n".join(pages).split())
    assert "Alliance comparative resilience report" in text
    assert f"Assessment cycle {cycle.name}" in text
    assert all(settings.CLASSIFICATION_MARKING in page for page in pages)
    accepted = Assessment.objects.filter(cycle=cycle, status="accepted").select_related("nation")
    assert all(a.nation.name in text for a in accepted)
    assert "Collective view" in text and "Heatmap" in text


@pytest.mark.django_db
def test_reviewer_requests_the_report_and_downloads_it(reviewer):
    cycle = previous_cycle()
    result_id = request_report(reviewer, cycle)

    page = status_page(reviewer, result_id)
    body = page.content.decode()
    assert "The report is ready." in body
    assert "data-report-pending" not in body
    download = reviewer.get(reverse("alliance_report_download", args=[result_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert f'filename="alliance-report-{cycle.name}.pdf"' in download["Content-Disposition"]
    assert_is_the_alliance_report(b"".join(download.streaming_content), cycle)
    compare = reviewer.get(reverse("compare")).content.decode()
    assert reverse("alliance_report_status", args=[result_id]) in compare  # listed as "your reports"


@pytest.mark.django_db
def test_a_failed_render_shows_an_error_not_a_spinner(reviewer):
    not_a_folder = tempfile.NamedTemporaryFile(prefix="rb-not-a-folder-")  # noqa: SIM115
    broken = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": not_a_folder.name},
        },
    }
    with override_settings(STORAGES=broken):
        result_id = request_report(reviewer, previous_cycle())

    body = status_page(reviewer, result_id).content.decode()
    assert "The report could not be prepared." in body
    assert "data-report-pending" not in body and "report_status.js" not in body
    assert ">Try again</button>" in body
    assert reviewer.get(reverse("alliance_report_download", args=[result_id])).status_code == 404
    not_a_folder.close()


@pytest.mark.django_db
def test_reports_belong_to_the_session_that_asked(reviewer):
    result_id = request_report(reviewer, previous_cycle())
    other_session = client_for("reviewer")

    assert status_page(other_session, result_id).status_code == 404
    assert other_session.get(reverse("alliance_report_download", args=[result_id])).status_code == 404
    assert status_page(reviewer, uuid.uuid4()).status_code == 404


@pytest.mark.django_db
def test_a_request_without_a_valid_cycle_is_refused_with_a_message(reviewer):
    response = reviewer.post(reverse("alliance_report_request"), {"cycle": "nope"}, follow=True)
    assert "Choose a cycle for the alliance report." in response.content.decode()


@pytest.mark.django_db
def test_alliance_report_pages_reject_the_wrong_method(reviewer):
    result_id = request_report(reviewer, previous_cycle())
    assert reviewer.get(reverse("alliance_report_request")).status_code == 405
    assert reviewer.post(reverse("alliance_report_status", args=[result_id])).status_code == 405
    assert reviewer.post(reverse("alliance_report_download", args=[result_id])).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_database_backend_and_worker_deliver_the_report(seeded):
    """As in production: the request only enqueues; the page says the report is being prepared
    and looks again by itself (a static script); a worker renders it; then it is downloadable."""
    reviewer = client_for("reviewer")
    cycle = previous_cycle()
    with override_settings(TASKS=DB_TASKS):
        result_id = request_report(reviewer, cycle)

        waiting = status_page(reviewer, result_id).content.decode()
        assert "The report is being prepared" in waiting
        assert "data-report-pending" in waiting and "/static/js/report_status.js" in waiting
        assert reviewer.get(reverse("alliance_report_download", args=[result_id])).status_code == 404

        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)

        ready = status_page(reviewer, result_id).content.decode()
        assert "The report is ready." in ready
        download = reviewer.get(reverse("alliance_report_download", args=[result_id]))
        assert download.status_code == 200
        assert_is_the_alliance_report(b"".join(download.streaming_content), cycle)
