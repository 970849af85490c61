"""Fixes merge chains and cycles left by merges made before they were safe (issue 16).

Run once after migration 0015 (and at any time: with nothing to fix it changes nothing):
    python manage.py repair_merges
It prints one line per change, with visitor codes only.
"""

from django.core.management.base import BaseCommand

from counselling import services


class Command(BaseCommand):
    help = "Finds and fixes visitor merge chains and cycles; reports what it changed."

    def handle(self, *args, **options):
        changes = services.visitor_merges_repair()
        for line in changes:
            self.stdout.write(line)
        self.stdout.write(f"{len(changes)} change(s).")
