from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The names of returns.matching's score components, as people read them.
COMPONENT_LABELS = {
    "essential_skills": _("Essential skills"),
    "optional_skills": _("Optional skills"),
    "occupation": _("Occupation"),
    "sector": _("Sector"),
    "languages": _("Languages"),
    "mode": _("Mode"),
    "availability": _("Availability"),
}


@register.filter
def component_label(name: str) -> str:
    return COMPONENT_LABELS.get(name, name)
