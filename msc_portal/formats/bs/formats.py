# Bosnian: 24. novembar 2026., 24.11.2026., 15:54; 1.234,5.
from msc_portal.formats.sr_Latn.formats import *  # noqa: F403
