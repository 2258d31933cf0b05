"""One fetching policy for every PDF: WeasyPrint reads our static files and nothing else, and user
text reaches the PDF as text. The PDF engine is real; only the fetcher (ours) records its calls."""

import base64
import io
import os
import re
import socket
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from pypdf import PdfReader
from weasyprint import HTML

from assessments.models import Comment, Evidence
from assessments.reports import national_report_pdf, render_pdf
from assessments.reports.fetcher import BASE_URL, DATA_URL_MAX_BYTES, FetchRefused, StaticOnlyURLFetcher
from tests.planner_utils import answer
from tests.reports_support import RecordingFetcher, flat, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read English text; another test's French request must not leak into them."""
    with translation.override("en"):
        yield


@pytest.fixture
def trap():
    """A local TCP port that notices any connection: proof that nothing was fetched over the network."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server.getsockname()[1], server
    server.close()


def connections(server) -> int:
    count = 0
    while True:
        try:
            connection, _ = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_hostile_user_text_renders_as_text_and_fetches_nothing(est_current, trap):
    port, server = trap
    hostile = (
        f'<b>bold?</b> <img src="http://127.0.0.1:{port}/pixel.png"> '
        '<link rel="stylesheet" href="file:///etc/passwd"> file:///etc/passwd '
        '<a rel="attachment" href="file:///etc/passwd">attach</a> <script>alert(1)</script>'
    )
    target = answer(est_current, "BLR-1.1")
    target.justification = hostile
    target.save()
    Evidence.objects.create(answer=target, citation=f'<img src="http://127.0.0.1:{port}/evidence.png">')
    Comment.objects.create(
        assessment=est_current,
        answer=target,
        author=get_user_model().objects.get(username="reviewer"),
        body=f'<iframe src="http://127.0.0.1:{port}/query"></iframe>',
    )
    fetcher = RecordingFetcher()

    pdf = national_report_pdf(est_current, url_fetcher=fetcher)

    text = flat(pdf_text(pdf))
    assert f'<b>bold?</b> <img src="http://127.0.0.1:{port}/pixel.png">' in text
    assert '<link rel="stylesheet" href="file:///etc/passwd"> file:///etc/passwd' in text
    assert "<script>alert(1)</script>" in text
    assert f'<img src="http://127.0.0.1:{port}/evidence.png">' in text
    assert f'<iframe src="http://127.0.0.1:{port}/query"></iframe>' in text
    assert "root:x:0:0" not in text
    # Nothing outside our static files (or our charts' own small inline images) was even asked
    # for, nothing of the user's text, nothing reached the network, nothing got attached.
    assert [url for url in fetcher.calls if not url.startswith((BASE_URL + "static/", "data:"))] == []
    assert [url for url in fetcher.calls if str(port) in url or "passwd" in url] == []
    assert connections(server) == 0
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


def test_weasyprint_skips_what_the_fetcher_refuses_and_still_renders(trap):
    """Markup that does reach the engine (a template of ours gone wrong) is refused by the fetcher:
    no network, no local file, no attachment; the rest of the page renders."""
    port, server = trap
    html = f"""<p>Visible paragraph.</p>
      <img src="http://127.0.0.1:{port}/a.png">
      <img src="https://127.0.0.1:{port}/b.png">
      <img src="ftp://127.0.0.1:{port}/c.png">
      <img src="file:///etc/passwd">
      <link rel="stylesheet" href="/static/../../../../etc/passwd">
      <a rel="attachment" href="file:///etc/passwd">attachment</a>
      <link rel="attachment" href="/static/css/print.css">
      <style>@font-face {{ font-family: x; src: url(http://127.0.0.1:{port}/font.woff) }}</style>
      <p style="font-family: x; background: url(http://127.0.0.1:{port}/bg.png)">Styled.</p>"""
    fetcher = RecordingFetcher()

    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()

    assert "Visible paragraph." in pdf_text(pdf)
    assert f"http://127.0.0.1:{port}/a.png" in fetcher.calls  # asked, and refused
    assert "file:///etc/passwd" in fetcher.calls
    assert [url for url in fetcher.served if not url.startswith(BASE_URL + "static/")] == []
    assert connections(server) == 0
    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert all(b"root:" not in b"".join(data) for data in attachments.values())


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://example.org/logo.png",
        "ftp://example.org/logo.png",
        "file:///etc/passwd",
        "file://example.org/static/css/print.css",
        "file:///static/../../../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "file:///static/css/no-such-file.css",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    with pytest.raises(FetchRefused):
        StaticOnlyURLFetcher().fetch(url)


def test_the_fetcher_serves_static_files_from_disk():
    response = StaticOnlyURLFetcher().fetch(BASE_URL + "static/css/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_the_fetcher_refuses_symlinks_out_of_the_static_folder(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for reports")
    static_root = Path(settings.STATIC_ROOT)
    link = static_root / "escape.txt"
    inside = static_root / "inside.txt"
    inside.write_text("fine")
    os.symlink(secret, link)
    try:
        with pytest.raises(FetchRefused):
            StaticOnlyURLFetcher().fetch(BASE_URL + "static/escape.txt")
        with pytest.raises(FetchRefused):
            StaticOnlyURLFetcher().fetch(secret.as_uri())
        assert StaticOnlyURLFetcher().fetch(BASE_URL + "static/inside.txt").read() == b"fine"
    finally:
        link.unlink()
        inside.unlink()


def test_data_urls_are_bounded():
    small = "data:text/plain;base64," + base64.b64encode(b"tiny").decode()
    assert StaticOnlyURLFetcher().fetch(small).read() == b"tiny"
    large = "data:text/plain;base64," + base64.b64encode(b"x" * DATA_URL_MAX_BYTES).decode()
    with pytest.raises(FetchRefused):
        StaticOnlyURLFetcher().fetch(large)


def test_every_pdf_goes_through_the_one_pipeline():
    """Only assessments/reports/pdf.py calls WeasyPrint, so no PDF escapes the fetching policy."""
    root = Path(settings.BASE_DIR)
    allowed = {root / "assessments/reports/pdf.py", root / "assessments/reports/fetcher.py"}
    offenders = []
    folders = [
        f for f in root.iterdir() if f.is_dir() and f.name not in {"tests", "bench"} and f.name[0] != "."
    ]
    for path in (p for folder in folders for p in folder.rglob("*.py")):
        if path in allowed:
            continue
        if re.search(r"^\s*(from|import) weasyprint", path.read_text(encoding="utf-8"), re.M):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_report_embeds_no_file_even_from_static(tmp_path, settings):
    (tmp_path / "attach.html").write_text(
        '{% extends "reports/base.html" %}{% block content %}'
        '<link rel="attachment" href="/static/css/print.css">'
        '<a rel="attachment" href="/static/css/print.css">the style sheet</a><p>Body text.</p>'
        "{% endblock %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    fetcher = RecordingFetcher()

    pdf = render_pdf("attach.html", {}, url_fetcher=fetcher)

    assert "Body text." in pdf_text(pdf)
    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    assert fetcher.calls == []
