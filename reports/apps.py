from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Apps define indicators in <app>/indicators.py and exporters in <app>/exports.py;
        # importing the modules registers them.
        autodiscover_modules("indicators", "exports")
