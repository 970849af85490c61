from django.core.management.base import BaseCommand

from skills.classifications import classifications_load


class Command(BaseCommand):
    help = (
        "Loads NACE Rev. 2.1, ISCO-08 and the starter skills shipped with the project. "
        "Safe to run again: it updates and adds, never duplicates."
    )

    def handle(self, *args, **options):
        report = classifications_load()
        self.stdout.write(self.style.SUCCESS(f"Loaded {report}."))
