# Serbian in Cyrillic writes dates and numbers as in Latin script.
from msc_portal.formats.sr_Latn.formats import *  # noqa: F403
