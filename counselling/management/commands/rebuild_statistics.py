"""Rebuilds the statistics summary (counselling/summary.py) from the live sessions.

The writes keep it current; run this after loading sessions outside the services (a restore,
bench data, a fix by SQL)."""

from django.core.management.base import BaseCommand

from counselling.summary import summary_rebuild


class Command(BaseCommand):
    help = "Rebuild the statistics summary tables from the live sessions."

    def handle(self, *args, **options):
        summary_rebuild()
        self.stdout.write("Statistics summary rebuilt.")
