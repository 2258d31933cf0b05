"""The single PDF pipeline: a Django template rendered to HTML (autoescaped), laid out by
WeasyPrint with our print stylesheet and our fetching policy. National and alliance reports
both come through `render_pdf`."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .fetcher import BASE_URL, StaticOnlyURLFetcher

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"

_lock = threading.Lock()
_stylesheet_cache: dict[tuple[str, float], CSS] = {}


def print_stylesheet() -> CSS:
    """The print CSS, parsed once per process (again only if the file changes on disk)."""
    key = (str(PRINT_CSS), PRINT_CSS.stat().st_mtime)
    with _lock:
        sheet = _stylesheet_cache.get(key)
        if sheet is None:
            sheet = CSS(filename=str(PRINT_CSS), url_fetcher=StaticOnlyURLFetcher())
            _stylesheet_cache.clear()
            _stylesheet_cache[key] = sheet
    return sheet


def render_html(template_name: str, context: dict) -> str:
    """The report's HTML as the PDF engine receives it (autoescaped like every template)."""
    return render_to_string(
        template_name, {"CLASSIFICATION_MARKING": settings.CLASSIFICATION_MARKING, **context}
    )


def render_pdf(
    template_name: str, context: dict, *, url_fetcher: StaticOnlyURLFetcher | None = None
) -> bytes:
    """Render `template_name` with `context` to PDF bytes.

    The template should extend `reports/base.html` (marking in header and footer, page numbers,
    optional DRAFT watermark with `draft=True` in the context). Only our static files can be
    loaded; `url_fetcher` may be given (a `StaticOnlyURLFetcher`, e.g. one that records calls)."""
    html = render_html(template_name, context)
    fetcher = url_fetcher or StaticOnlyURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=[print_stylesheet()], font_config=FontConfiguration()
    )
    # A report never embeds files: drop <link rel="attachment"> and <a rel="attachment"> before
    # anything would be fetched for them.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf()
