from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from baselines.services import framework_import_json, framework_publish


class Command(BaseCommand):
    help = "Create a draft framework from a JSON file. A malformed file is refused whole."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--publish", action="store_true", help="Publish it after import.")

    def handle(self, path, publish=False, **options):
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            with transaction.atomic():
                framework = framework_import_json(text=text)
                if publish:
                    framework = framework_publish(framework=framework)
        except ValidationError as error:
            raise CommandError(
                "Import refused, nothing was changed:\n- " + "\n- ".join(error.messages)
            ) from None
        self.stdout.write(f"Imported {framework} (id {framework.pk}).")
