"""Upload edge cases (issue 6, "Bad input"): a file exactly at the limit passes and one byte more is
refused; empty files, wrong content behind a right extension and hostile file names are refused or
neutralised; a refusal leaves no row and no file behind."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from assessments.models import Evidence

pytestmark = pytest.mark.django_db

PDF_HEAD = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n"
LIMIT = 2048


def pdf_of(size):
    """A PDF-looking file of exactly `size` bytes."""
    tail = b"\n%%EOF\n"
    return PDF_HEAD + b"0" * (size - len(PDF_HEAD) - len(tail)) + tail


def stored_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def post_file(planner_est, est_current):
    answer = est_current.answers.filter(indicator__requirement__number=2).order_by("pk").first()

    def post(name, data):
        upload = SimpleUploadedFile(name, data, content_type="application/pdf")
        return planner_est.post(f"/answers/{answer.pk}/evidence/upload/", {"file": upload})

    return post


@override_settings(EVIDENCE_MAX_BYTES=LIMIT)
def test_a_file_at_the_limit_passes_and_one_byte_more_is_refused(post_file):
    before = Evidence.objects.count()
    over = post_file("over.pdf", pdf_of(LIMIT + 1))
    assert over.status_code == 200
    assert "the largest accepted is 2.0\xa0KB" in over.content.decode()
    assert Evidence.objects.count() == before
    at = post_file("at.pdf", pdf_of(LIMIT))
    assert at.status_code == 302
    assert Evidence.objects.get(original_name="at.pdf").size == LIMIT


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "The submitted file is empty."),
        ("report.pdf", b"GIF89a" + b"\x00" * 100, "does not match its name"),
        ("report.pdf", b"This is plain text pretending to be a PDF.\n" * 10, "not an accepted type"),
        ("stocks.xlsx", b"PK\x03\x04" + b"\x00" * 100, "not an accepted type"),
        ("photo.png", PDF_HEAD + b"%%EOF\n", "does not match its name"),
        ("invoice\u202efdp.exe", b"MZ\x90\x00" + b"\x00" * 100, "not an accepted type"),
    ],
)
def test_wrong_or_empty_content_is_refused_and_leaves_nothing(post_file, name, data, message):
    rows, files = Evidence.objects.count(), stored_files()
    response = post_file(name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Evidence.objects.count() == rows
    assert stored_files() == files


@pytest.mark.parametrize(
    "name",
    [
        "../../../../etc/cron.d/evil.pdf",
        "..\\..\\windows\\system32\\evil.pdf",
        "/absolute/path/evil.pdf",
        "....//....//evil.pdf",
        "evil.pdf\u0000.txt",
        "x" * 1000 + ".pdf",
        "\u202eevil.pdf",
    ],
)
def test_hostile_file_names_never_reach_the_file_system(post_file, name):
    files = stored_files()
    response = post_file(name, pdf_of(500))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (
            'class="invalid-feedback' in response.content.decode()
            or "alert-danger" in response.content.decode()
        )
        assert stored_files() == files
        return
    evidence = Evidence.objects.latest("uploaded_at")
    new = stored_files() - files
    assert len(new) == 1
    (path,) = new
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT) / "evidence")
    assert ".." not in evidence.file.name and "\x00" not in evidence.file.name
    assert "/" not in evidence.original_name and "\\" not in evidence.original_name
    assert len(evidence.original_name) <= 255
