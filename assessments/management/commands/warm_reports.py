"""Lay out the national reports reviewers are about to open, so that the first reader does not wait:

python manage.py warm_reports

Reports are kept by content (assessments/reports/pdf.py). A new release that changes the print
stylesheet or WeasyPrint starts with none, and so does a new day; run this after a deployment or
each morning (a timer) to lay out the report of every assessment awaiting review beforehand. An
unchanged report is skipped in a few milliseconds.
"""

import time

from django.core.management.base import BaseCommand

from assessments.models import Assessment
from assessments.reports import national_report_pdf


class Command(BaseCommand):
    help = "Lay out the national report of every submitted assessment into the report cache."

    def handle(self, *args, **options):
        start = time.perf_counter()
        assessments = list(
            Assessment.objects.filter(status=Assessment.Status.SUBMITTED).select_related("nation", "cycle")
        )
        for assessment in assessments:
            national_report_pdf(assessment)
        self.stdout.write(
            f"{len(assessments)} reports ready in the report cache ({time.perf_counter() - start:.1f} s)."
        )
