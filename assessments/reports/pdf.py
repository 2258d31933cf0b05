"""The single PDF pipeline: a Django template rendered to HTML (autoescaped), laid out by
WeasyPrint with our print stylesheet and our fetching policy. National and alliance reports
both come through `render_pdf`.

Laying out a report costs about a second of CPU; building its HTML costs a few milliseconds. So
the PDF is kept in the "reports" cache under the SHA-256 of everything that decides it (the HTML,
the print stylesheet, the WeasyPrint version): the same document is laid out once, and any change
to what a report shows changes its HTML and so its key. Nothing can serve a stale report."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import threading
from contextlib import contextmanager
from pathlib import Path

import weasyprint
from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .fetcher import BASE_URL, StaticOnlyURLFetcher

PRINT_CSS = Path(settings.BASE_DIR) / "static" / "css" / "print.css"

_lock = threading.Lock()
_stylesheet_cache: dict[tuple[str, float], tuple[CSS, str]] = {}
_per_thread = threading.local()


def _stylesheet() -> tuple[CSS, str]:
    """The print CSS parsed, and the SHA-256 of its text: once per process (again only if the
    file changes on disk)."""
    key = (str(PRINT_CSS), PRINT_CSS.stat().st_mtime)
    with _lock:
        entry = _stylesheet_cache.get(key)
        if entry is None:
            text = PRINT_CSS.read_bytes()
            sheet = CSS(string=text.decode(), base_url=PRINT_CSS.as_uri(), url_fetcher=StaticOnlyURLFetcher())
            entry = (sheet, hashlib.sha256(text).hexdigest())
            _stylesheet_cache.clear()
            _stylesheet_cache[key] = entry
    return entry


def print_stylesheet() -> CSS:
    return _stylesheet()[0]


def cache_key(html: str) -> str:
    """The key of the PDF that `html` lays out to."""
    digest = hashlib.sha256()
    for part in (weasyprint.__version__, _stylesheet()[1], html):
        digest.update(part.encode())
        digest.update(b"\0")
    return f"pdf:{digest.hexdigest()}"


def font_configuration() -> FontConfiguration:
    """One font configuration per thread, kept between reports: building it loads the system fonts
    again each time. Per thread because a Pango font map is not shared safely across threads."""
    config = getattr(_per_thread, "font_config", None)
    if config is None:
        config = _per_thread.font_config = FontConfiguration()
    return config


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for one render, then collect once.

    A report allocates hundreds of thousands of layout objects that all stay alive until the PDF is
    written; the collector would otherwise walk them again and again while they are built (about a
    tenth of the render time). One collection afterwards frees the cycles they leave."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(0)


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
    loaded; `url_fetcher` may be given (a `StaticOnlyURLFetcher`, e.g. one that records calls), and
    then the PDF is always laid out anew and not cached."""
    html = render_html(template_name, context)
    if url_fetcher is not None:
        return layout_pdf(html, url_fetcher)
    cache, key = caches["reports"], cache_key(html)
    pdf = cache.get(key)
    if pdf is None:
        pdf = layout_in_child(html)
        cache.set(key, pdf)
    return pdf


def layout_in_child(html: str) -> bytes:
    """`layout_pdf` in a forked child process at low CPU priority, the caller waiting for its bytes.

    A layout takes a core for about a second. Run in the web worker, it would compete as an equal
    with the short requests of every other user; in a child at nice 10 the scheduler serves those
    first and the report takes what is left. Its memory, a few hundred MB at peak, goes back to the
    system when the child ends instead of staying with the worker. Where fork is missing (not
    Linux), the layout runs here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return layout_pdf(html, StaticOnlyURLFetcher())
    _warm_up()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_layout_child, args=(html, sender), daemon=True)
    child.start()
    sender.close()
    try:
        ok, result = receiver.recv()
    except EOFError:
        ok, result = False, f"the layout process ended with code {child.exitcode}"
    finally:
        receiver.close()
        child.join()
    if not ok:
        raise RuntimeError(f"PDF layout failed: {result}")
    return result


_WARM_UP = (
    '<body class="report"><h1>A</h1><h2>B</h2><p>Text <strong>bold</strong> <em>italic</em> '
    '<span class="code">C</span></p><table class="data"><tr><th>H</th><td>1</td></tr></table></body>'
)
_warmed = threading.Event()


def _warm_up() -> None:
    """Lay out a line in each of the report's fonts once in this process, so that every child
    starts with the fonts loaded and the stylesheet's rules compiled (a tenth of a second each)."""
    if not _warmed.is_set():
        layout_pdf(_WARM_UP, StaticOnlyURLFetcher())
        _warmed.set()


def _layout_child(html: str, sender) -> None:
    """In the child: no database, no request; only WeasyPrint on the HTML it was given."""
    os.nice(10)
    try:
        sender.send((True, layout_pdf(html, StaticOnlyURLFetcher())))
    except Exception as error:  # reported to the parent, which raises it there
        sender.send((False, f"{type(error).__name__}: {error}"))
    finally:
        sender.close()


def layout_pdf(html: str, fetcher: StaticOnlyURLFetcher) -> bytes:
    """WeasyPrint's part: lay out `html` with the print stylesheet and write the PDF."""
    with collector_paused():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            stylesheets=[print_stylesheet()], font_config=font_configuration()
        )
        # A report never embeds files: drop <link rel="attachment"> and <a rel="attachment"> before
        # anything would be fetched for them.
        document.metadata.attachments = []
        for page in document.pages:
            page.links = [link for link in page.links if link[0] != "attachment"]
        pdf = document.write_pdf()
        del document
    return pdf
