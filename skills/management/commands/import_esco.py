from django.core.management.base import BaseCommand, CommandError

from skills.esco import EscoImportError, esco_import


class Command(BaseCommand):
    help = (
        "Imports the official ESCO CSV files (skills_en.csv, occupations_en.csv, "
        "ISCOGroups_en.csv, occupationSkillRelations_en.csv) from DIR. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        try:
            report = esco_import(directory=directory)
        except EscoImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Imported {report}."))
