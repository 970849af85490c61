from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    name = "counselling"
    verbose_name = _("Counselling")

    def ready(self):
        from .duplicates import set_similarity_threshold

        connection_created.connect(set_similarity_threshold, dispatch_uid="trgm-threshold")
