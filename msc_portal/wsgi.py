import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msc_portal.settings")

application = get_wsgi_application()

# What the worker made while starting (modules, settings, URL conf, templates, translations)
# lives as long as the worker: kept out of the cyclic collector's sight, so that a full
# collection in a request scans only what requests made (a 500-row API page paused for 100s
# of ms scanning the start-up objects; bench/pages.py measures with the same freeze).
gc.freeze()
