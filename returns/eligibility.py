"""Whether an expert may apply under a programme's rules, and why (shown before they apply).

Pure: takes the programme and the expert's profile fields already loaded, queries nothing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django_countries import countries

from skills.models import IscedLevel


@dataclass(frozen=True)
class Criterion:
    met: bool
    message: str


def _names(codes) -> str:
    return ", ".join(str(countries.name(str(code))) for code in codes)


def eligibility_check(programme, expert, need=None) -> list[Criterion]:
    """Every rule of `programme` (and the need's own minimum education) with its verdict."""
    result: list[Criterion] = []
    origins = [str(c) for c in programme.origin_countries]
    if origins:
        origin = str(expert.country_of_origin or "")
        result.append(
            Criterion(
                origin in origins,
                _("Country of origin must be one of: %(countries)s.")
                % {"countries": _names(origins)},
            )
        )
    residences = [str(c) for c in programme.residence_countries]
    if residences:
        residence = str(expert.country_of_residence or "")
        result.append(
            Criterion(
                residence in residences,
                _("Country of residence must be one of: %(countries)s.")
                % {"countries": _names(residences)},
            )
        )
    levels = [level for level in (programme.min_isced, need and need.min_isced) if level]
    if levels:
        minimum = max(levels)
        result.append(
            Criterion(
                expert.isced_level is not None and expert.isced_level >= minimum,
                _("Education at least: %(level)s.") % {"level": IscedLevel(minimum).label},
            )
        )
    if programme.min_years_experience:
        result.append(
            Criterion(
                expert.years_experience >= programme.min_years_experience,
                _("At least %(years)s years of professional experience.")
                % {"years": programme.min_years_experience},
            )
        )
    if need is not None:
        result.append(
            Criterion(
                programme.min_days <= need.duration_days <= programme.max_days,
                _("The assignment lasts between %(min)s and %(max)s working days.")
                % {"min": programme.min_days, "max": programme.max_days},
            )
        )
    return result


def is_eligible(criteria: list[Criterion]) -> bool:
    return all(criterion.met for criterion in criteria)
