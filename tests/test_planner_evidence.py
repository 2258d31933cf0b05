"""Evidence: uploads bounded in size and type (judged by content, not by name), stored outside any
public path, downloaded only by those who may see the assessment; citations; removal."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from assessments.models import Assessment, Evidence
from tests.planner_utils import answer, content, set_status

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, kind)
    return buffer.getvalue()


def office(entries: dict[str, str], mimetype: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


DOCX = office(
    {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w/>"}
)
PPTX = office({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})
ODT = office({"content.xml": "<c/>"}, mimetype="application/vnd.oasis.opendocument.text")
ODS = office({"content.xml": "<c/>"}, mimetype="application/vnd.oasis.opendocument.spreadsheet")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload_url(target):
    return f"/answers/{target.pk}/evidence/upload/"


def upload(client, target, name, data):
    return client.post(
        upload_url(target), {"file": SimpleUploadedFile(name, data, "application/octet-stream")}
    )


@pytest.fixture
def target(est_current):
    return answer(est_current, "BLR-2.3")


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("map.png", image("PNG"), "image/png"),
        ("photo.jpg", image("JPEG"), "image/jpeg"),
        ("photo.jpeg", image("JPEG"), "image/jpeg"),
        ("chart.gif", image("GIF"), "image/gif"),
        ("chart.webp", image("WEBP"), "image/webp"),
        ("plan.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("stocks.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("brief.pptx", PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("plan.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("figures.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("notes.txt", "Exercise notes — résumé, 2026.\n".encode(), "text/plain"),
        ("figures.csv", b"year,days\n2025,92\n", "text/csv"),
    ],
)
def test_accepted_types_are_stored_privately_under_a_generated_name(
    planner_est, target, name, data, content_type
):
    response = upload(planner_est, target, name, data)
    assert response.status_code == 302 and response["Location"] == f"/answers/{target.pk}/evidence/"
    evidence = Evidence.objects.get(answer=target, original_name=name)
    assert (evidence.content_type, evidence.size) == (content_type, len(data))
    assert evidence.uploaded_by.username == "planner-est"
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    assert stored.read_bytes() == data
    assert name not in stored.name  # the client's name never reaches the file system
    # No public path serves it: only the permission-checked download view.
    for public in (f"/{evidence.file.name}", f"/media/{evidence.file.name}", f"/static/{evidence.file.name}"):
        assert planner_est.get(public).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", EXE, "not an accepted type"),  # an executable renamed .pdf
        ("setup.exe", EXE, "not an accepted type"),
        ("map.pdf", image("PNG"), "does not match its name"),
        ("page.html", b"<html><script>alert(1)</script></html>", "not an accepted type"),
        ("plan.docx", office({"[Content_Types].xml": "<T/>", "other.xml": "<x/>"}), "not an accepted type"),
        ("notes.txt", b"\x00\x01\x02binary\x00" * 20, "not an accepted type"),
        ("notes.txt", EXE, "not an accepted type"),
        ("noextension", PDF, "not an accepted type"),
        (
            "macro.docx",
            office({"[Content_Types].xml": "<T/>", "word/document.xml": "<w/>", "word/vbaProject.bin": "x"}),
            "macros are not accepted",
        ),
    ],
)
def test_refused_types_leave_nothing_behind(planner_est, target, name, data, message):
    before = Evidence.objects.count()
    response = upload(planner_est, target, name, data)
    assert response.status_code == 200
    assert message in content(response)
    assert Evidence.objects.count() == before


def test_an_empty_file_is_refused(planner_est, target):
    response = upload(planner_est, target, "empty.pdf", b"")
    assert "The submitted file is empty." in content(response)
    assert not Evidence.objects.filter(answer=target, original_name="empty.pdf").exists()


@override_settings(EVIDENCE_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_with_the_limit(planner_est, target):
    response = upload(planner_est, target, "big.pdf", PDF + b"0" * 2000)
    assert response.status_code == 200
    assert "the largest accepted is 1.0\xa0KB" in content(response)
    assert not Evidence.objects.filter(answer=target, original_name="big.pdf").exists()
    assert upload(planner_est, target, "small.pdf", PDF).status_code == 302


@pytest.mark.parametrize(
    ("client_name", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Desktop\\stocks report.pdf", "stocks_report.pdf"),
        ("<script>.pdf", "script.pdf"),
    ],
)
def test_the_client_path_is_never_trusted(planner_est, target, client_name, shown):
    assert upload(planner_est, target, client_name, PDF).status_code == 302
    evidence = Evidence.objects.filter(answer=target).latest("uploaded_at")
    assert evidence.original_name == shown
    assert evidence.file.name.startswith("evidence/") and ".." not in evidence.file.name


def test_a_citation_is_evidence_too(contrib_est, est_current):
    target = answer(est_current, "BLR-6.3")
    response = contrib_est.post(
        f"/answers/{target.pk}/evidence/cite/", {"citation": "Telecom resilience plan 2025"}
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(answer=target, citation="Telecom resilience plan 2025", file="").exists()
    page = content(contrib_est.get(f"/assessments/{est_current.pk}/requirements/6/"))
    assert "Telecom resilience plan 2025" in page


@pytest.mark.parametrize(
    ("citation", "message"), [("", "This field is required."), ("x" * 501, "at most 500")]
)
def test_a_bad_citation_is_refused(planner_est, target, citation, message):
    before = Evidence.objects.count()
    response = planner_est.post(f"/answers/{target.pk}/evidence/cite/", {"citation": citation})
    assert response.status_code == 200 and message in content(response)
    assert Evidence.objects.count() == before


def test_a_contributor_adds_evidence_only_to_the_requirements_they_hold(contrib_est, est_current):
    outside = answer(est_current, "BLR-1.1")
    assert upload(contrib_est, outside, "a.pdf", PDF).status_code == 403
    assert contrib_est.post(f"/answers/{outside.pk}/evidence/cite/", {"citation": "x"}).status_code == 403
    page = contrib_est.get(f"/answers/{outside.pk}/evidence/")
    assert page.status_code == 200 and "Upload a file" not in content(page)
    assert upload(contrib_est, answer(est_current, "BLR-2.3"), "a.pdf", PDF).status_code == 302


@pytest.mark.parametrize("persona", ["planner-nor", "reviewer"])
def test_strangers_and_reviewers_cannot_touch_a_drafts_evidence(personas, target, persona):
    client = personas[persona]
    assert client.get(f"/answers/{target.pk}/evidence/").status_code == 404
    assert upload(client, target, "a.pdf", PDF).status_code == 404
    assert client.post(f"/answers/{target.pk}/evidence/cite/", {"citation": "x"}).status_code == 404


def test_download_is_an_attachment_for_those_who_may_see_the_assessment(personas, planner_est, target):
    upload(planner_est, target, "stocks report.pdf", PDF)
    evidence = Evidence.objects.get(answer=target, original_name="stocks_report.pdf")
    path = f"/evidence/{evidence.pk}/download/"
    for persona in ("planner-est", "contrib-est"):
        response = personas[persona].get(path)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="stocks_report.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
    assert personas["planner-nor"].get(path).status_code == 404
    assert personas["reviewer"].get(path).status_code == 404  # a draft
    assert personas["anonymous"].get(path).status_code == 302
    assert planner_est.post(path).status_code == 405
    set_status(target.assessment, Assessment.Status.SUBMITTED)
    assert personas["reviewer"].get(path).status_code == 200
    assert personas["planner-nor"].get(path).status_code == 404


def test_a_citation_has_nothing_to_download(planner_est, est_current):
    cited = Evidence.objects.filter(answer__assessment=est_current, file="").first()
    assert planner_est.get(f"/evidence/{cited.pk}/download/").status_code == 404
    assert planner_est.get("/evidence/999999/download/").status_code == 404


def test_removing_evidence_deletes_the_file(planner_est, contrib_est, planner_nor, target):
    upload(planner_est, target, "old.pdf", PDF)
    evidence = Evidence.objects.get(answer=target, original_name="old.pdf")
    assert planner_nor.post(f"/evidence/{evidence.pk}/delete/").status_code == 404
    assert planner_est.get(f"/evidence/{evidence.pk}/delete/").status_code == 405
    outside = Evidence.objects.filter(
        answer__assessment=target.assessment, answer__indicator__requirement__number=1
    ).first()
    assert contrib_est.post(f"/evidence/{outside.pk}/delete/").status_code == 403
    response = planner_est.post(f"/evidence/{evidence.pk}/delete/")
    assert response.status_code == 302
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert (
        Evidence.history.filter(id=evidence.pk, history_type="-").get().history_user.username == "planner-est"
    )


@pytest.mark.django_db(transaction=True)
def test_the_file_goes_once_the_removal_is_committed(seeded):
    from tests.conftest import client_for

    planner = client_for("planner-est")
    assessment = Assessment.objects.get(nation__code="EST", status="draft")
    target = answer(assessment, "BLR-2.3")
    upload(planner, target, "gone.pdf", PDF)
    evidence = Evidence.objects.get(answer=target, original_name="gone.pdf")
    stored = Path(evidence.file.path)
    assert stored.exists()
    planner.post(f"/evidence/{evidence.pk}/delete/")
    assert not stored.exists()


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_a_locked_assessment_takes_no_evidence(planner_est, target, status):
    cited = Evidence.objects.filter(answer__assessment=target.assessment).first()
    set_status(target.assessment, status)
    before = Evidence.objects.count()
    assert upload(planner_est, target, "a.pdf", PDF).status_code == 403
    assert planner_est.post(f"/answers/{target.pk}/evidence/cite/", {"citation": "x"}).status_code == 403
    assert planner_est.post(f"/evidence/{cited.pk}/delete/").status_code == 403
    assert Evidence.objects.count() == before
    assert "Upload a file" not in content(planner_est.get(f"/answers/{target.pk}/evidence/"))
