"""Reads of the TVR programme that need more than one QuerySet method: filters, matching."""

from accounts.models import Role

from .eligibility import eligibility_check, is_eligible
from .matching import ExpertFacts, Match, NeedFacts, rank, score
from .models import (
    Application,
    ExpertProfile,
    Host,
    Need,
    SurveyResponse,
    is_programme_staff,
)


def _section(sector) -> str:
    """The NACE section (level 1) a sector belongs to, walking up pre-fetched parents."""
    while sector is not None and sector.parent_id is not None:
        sector = sector.parent
    return sector.code if sector is not None else ""


def _isco(obj) -> str:
    """The ISCO-08 unit group of a need or profile (stored in every case, see OccupationMixin)."""
    return obj.isco_group.code if obj.isco_group_id else ""


NEED_RELATED = [
    "host",
    "programme",
    "sector__parent__parent__parent",
    "isco_group",
]
NEED_PREFETCH = ["essential_skills", "optional_skills", "languages"]


def applications_to_screen(applications):
    """Applications the programme still has to screen (the home page's count and its list)."""
    return applications.filter(
        status__in=[Application.Status.SUBMITTED, Application.Status.SCREENING]
    )


def hosts_to_verify(hosts):
    return hosts.filter(verified_at__isnull=True)


def home_counts(user) -> dict:
    """What waits for the signed-in user in the TVR programme (home pages)."""
    if is_programme_staff(user):
        return {
            "hosts_to_verify": hosts_to_verify(Host.objects.all()).count(),
            "needs_to_approve": Need.objects.filter(status=Need.Status.SUBMITTED).count(),
            "applications_to_screen": applications_to_screen(Application.objects.all()).count(),
        }
    surveys = SurveyResponse.objects.visible_to(user).open().count
    if user.role == Role.HOST_MEMBER:
        return {
            "hosts": list(Host.objects.visible_to(user).order_by("name")),
            "surveys_to_answer": surveys(),
        }
    if user.role == Role.EXPERT:
        return {"surveys_to_answer": surveys()}
    return {}


def need_facts(need: Need) -> NeedFacts:
    return NeedFacts(
        id=need.pk,
        essential_skills=frozenset(s.pk for s in need.essential_skills.all()),
        optional_skills=frozenset(s.pk for s in need.optional_skills.all()),
        occupation_id=need.occupation_id,
        isco_code=_isco(need),
        sector_code=need.sector.code,
        section_code=_section(need.sector),
        languages={x.language: x.min_level for x in need.languages.all()},
        mode=need.mode,
        window=(need.window_start, need.window_end),
    )


def expert_facts(expert: ExpertProfile) -> ExpertFacts:
    sectors = list(expert.sectors.all())
    return ExpertFacts(
        id=expert.pk,
        skills=frozenset(s.skill_id for s in expert.skills.all()),
        occupation_id=expert.occupation_id,
        isco_code=_isco(expert),
        sector_codes=frozenset(s.code for s in sectors),
        section_codes=frozenset(_section(s) for s in sectors),
        languages={x.language: x.level for x in expert.languages.all()},
        mode=expert.preferred_mode,
        availability=tuple((a.start, a.end) for a in expert.availabilities.all()),
    )


def _experts_for_matching():
    return (
        ExpertProfile.objects.filter(user__is_active=True)
        .select_related("user", "isco_group")
        .prefetch_related(
            "sectors__parent__parent__parent",
            "skills",
            "languages",
            "availabilities",
        )
    )


def need_with_facts(queryset):
    return queryset.select_related(*NEED_RELATED).prefetch_related(*NEED_PREFETCH)


def experts_ranked_for_need(need: Need, user) -> list[tuple[ExpertProfile, Match]]:
    """Eligible experts for a need, best first, each with their score's breakdown.

    The programme ranks every expert; a host ranks only the candidates proposed for this need.
    """
    facts = need_facts(need)
    candidates = _experts_for_matching()
    if not is_programme_staff(user):
        proposed = Application.objects.visible_to(user).filter(need=need).values("expert")
        candidates = candidates.filter(pk__in=proposed)
    experts = {
        expert.pk: expert
        for expert in candidates
        if is_eligible(eligibility_check(need.programme, expert, need))
    }
    matches = rank([score(facts, expert_facts(expert)) for expert in experts.values()])
    return [(experts[m.expert_id], m) for m in matches]


def needs_ranked_for_expert(expert: ExpertProfile, limit: int = 20) -> list[tuple[Need, Match]]:
    """Published needs that fit an expert best, each with its score's breakdown."""
    facts = expert_facts(expert)
    needs = {need.pk: need for need in need_with_facts(Need.objects.published())}
    matches = rank([score(need_facts(need), facts) for need in needs.values()])
    return [(needs[m.need_id], m) for m in matches[:limit]]


def expert_for_matching(user) -> ExpertProfile:
    from .services import expert_profile_for

    return _experts_for_matching().get(pk=expert_profile_for(user=user).pk)
