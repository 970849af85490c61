from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from msc_portal.demo import SEEDERS


class Command(BaseCommand):
    help = "Loads the demo network (idempotent). Refused unless DEMO_MODE is on."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data has known passwords and is loaded only with DEMO_MODE=true "
                "(never in production)."
            )
        with transaction.atomic():
            for name, seed in SEEDERS:
                seed(lambda message, name=name: self.stdout.write(f"  {name}: {message}"))
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in as:"))
        for email, _name, role, *_ in DEMO_LOGINS:
            self.stdout.write(f"  {role.label:<26} {email:<32} password: {DEMO_PASSWORD}")
