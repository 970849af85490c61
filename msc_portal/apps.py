from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "msc_portal"
    verbose_name = "MSC Portal"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
