"""PDF reports. `render_pdf(template_name, context) -> bytes` is the one pipeline (print CSS,
safe fetcher, fonts); `national_report_pdf(assessment) -> bytes` is the national progress report."""

from .national import national_report_context, national_report_pdf
from .pdf import render_pdf

__all__ = ["national_report_context", "national_report_pdf", "render_pdf"]
