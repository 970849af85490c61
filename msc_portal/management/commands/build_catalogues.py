from django.core.management.base import BaseCommand

from msc_portal import catalogues


class Command(BaseCommand):
    help = (
        "Writes the generated catalogues: Serbian Cyrillic from Serbian Latin, and country and "
        "language names from the CLDR. Run by `make messages` between makemessages and "
        "compilemessages."
    )

    def handle(self, *args, **options):
        written = [catalogues.write_serbian_cyrillic(), *catalogues.write_reference()]
        for path in written:
            self.stdout.write(f"wrote {path.relative_to(catalogues.LOCALE_DIR.parent)}")
