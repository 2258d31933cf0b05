from django.core.management.base import BaseCommand, CommandError

from baselines.models import Framework
from baselines.services import framework_export_json


class Command(BaseCommand):
    help = "Write a framework as JSON (the format import_framework reads)."

    def add_arguments(self, parser):
        parser.add_argument("framework_id", type=int)
        parser.add_argument("-o", "--output", help="File to write; standard output if omitted.")

    def handle(self, framework_id, output=None, **options):
        try:
            framework = Framework.objects.get(pk=framework_id)
        except Framework.DoesNotExist:
            raise CommandError(f"No framework with id {framework_id}.") from None
        text = framework_export_json(framework=framework)
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)
