"""PDF downloads: the national progress report as it stands, and the archived report of a
submission exactly as it was stored."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from .. import permissions
from ..reports import national_report_pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    # A classified document: not kept by browsers or proxies.
    response["Cache-Control"] = "private, no-store"
    return response


def report_filename(assessment, suffix="") -> str:
    return f"{assessment.nation.code}-{assessment.cycle.name}-progress-report{suffix}.pdf"


@login_required
@require_GET
def assessment_report_pdf(request, pk):
    """The national progress report now: for the nation's users, and for reviewers once submitted
    (a DRAFT watermark while the assessment is editable)."""
    access = permissions.assessment_for_user(request, pk)
    return pdf_response(national_report_pdf(access.assessment), report_filename(access.assessment))


@login_required
@require_GET
def submission_pdf(request, pk):
    """The report archived when the assessment was submitted, byte for byte (see
    `Submission.has_report` for the seeded history, which has none archived)."""
    submission, access = permissions.submission_for_user(request, pk)
    assessment = submission.assessment
    filename = report_filename(assessment, f"-submission-{submission.number}")
    if submission.pdf:
        with submission.pdf.open("rb") as stored:
            return pdf_response(stored.read(), filename)
    latest = assessment.submissions.order_by("-number").values_list("pk", flat=True).first()
    if not submission.has_report(latest=latest == submission.pk):
        raise Http404
    return pdf_response(national_report_pdf(assessment), filename)
