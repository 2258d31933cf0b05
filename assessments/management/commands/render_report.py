"""Render a nation's national progress report for a cycle to a PDF file:

python manage.py render_report EST 2026 -o est-2026.pdf
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Assessment, Cycle, Nation
from assessments.reports import national_report_pdf


class Command(BaseCommand):
    help = "Render the national progress report of NATION (ISO alpha-3 code) in CYCLE (its name) to a PDF."

    def add_arguments(self, parser):
        parser.add_argument("nation", help="ISO 3166 alpha-3 code of the nation, e.g. EST")
        parser.add_argument("cycle", help="name of the cycle, e.g. 2026")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")

    def handle(self, *args, nation, cycle, output, **options):
        code = nation.strip().upper()
        found = Nation.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"Unknown nation {nation!r}: give an ISO 3166 alpha-3 code such as EST.")
        cycle_found = Cycle.objects.filter(name=cycle.strip()).first()
        if cycle_found is None:
            names = ", ".join(Cycle.objects.order_by("-opens_on").values_list("name", flat=True)) or "none"
            raise CommandError(f"Unknown cycle {cycle!r}. Cycles: {names}.")
        assessment = Assessment.objects.filter(nation=found, cycle=cycle_found).first()
        if assessment is None:
            raise CommandError(f"{found.name} has no assessment in the {cycle_found.name} cycle.")
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Cannot write {output}: the folder {target.parent} does not exist.")
        pdf = national_report_pdf(assessment)
        target.write_bytes(pdf)
        self.stdout.write(f"Wrote {target} ({len(pdf) // 1024} KB): {found.name}, cycle {cycle_found.name}.")
