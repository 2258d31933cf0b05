"""Helpers for the report tests: read a PDF as its reader would, and a fetcher that records what
WeasyPrint asked it for (the fetcher is ours; the PDF engine stays real)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from assessments.reports.fetcher import StaticOnlyURLFetcher


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of every page, whitespace collapsed (lines wrap wherever the layout put them)."""
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class RecordingFetcher(StaticOnlyURLFetcher):
    """The project's fetcher, noting every URL it is asked for and whether it served it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        self.calls.append(url)
        response = super().fetch(url, headers)
        self.served.append(url)
        return response
