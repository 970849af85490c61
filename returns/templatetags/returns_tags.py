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


# Why a part of the score is not full, and so what would raise it (returns.matching reasons).
COMPONENT_REASONS = {
    "expert_no_skills": _("The expert's profile lists no skills: adding them would count."),
    "need_no_skills": _("The need lists no skills: listing them would count."),
    "essential_missing": _("Some essential skills are missing (see the list)."),
    "optional_missing": _("Some optional skills are missing."),
    "optional_as_essential": _(
        "The need lists no optional skills: this part follows the essential skills."
    ),
    "need_no_occupation": _("The need names no occupation: naming one would count."),
    "expert_no_occupation": _("The expert's profile names no occupation: naming one would count."),
    "other_occupation_same_group": _(
        "Another occupation of the same ISCO-08 group: the same occupation would count in full."
    ),
    "other_occupation": _("Another occupation: the need's occupation or its group would count."),
    "expert_no_sector": _("The expert's profile names no sector: naming one would count."),
    "other_sector": _("Another sector: experience in the need's sector would count in full."),
    "languages": _("Not all required languages at the minimum level."),
    "mode": _("The expert prefers another mode: accepting the need's mode would count."),
    "availability": _(
        "Available for part of the need's window only: more availability would count."
    ),
}


@register.filter
def component_reason(reason: str) -> str:
    return COMPONENT_REASONS.get(reason, "")
