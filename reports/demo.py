"""Demo results framework: a donor project with targets for the counselling indicators."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .forms import period_bounds
from .models import CountIndicator, IndicatorTarget, Project, ProjectIndicator

# indicator -> quarterly target
TARGETS = {
    "visitors_counselled": 600,
    "individual_sessions": 1200,
    "group_sessions": 40,
    "group_participants": 800,
    "returnees_supported": 150,
    "referrals_made": 120,
    "referrals_service_received": 60,
    "centre_staff": 80,
    "skill_needs_published": 6,
    "tvr_applications_received": 15,
    "assignments_completed": 4,
    "expert_working_days": 80,
    "officials_trained": 30,
    "official_workshops_held": 2,
    "internship_places_identified": 10,
    "count_job_fairs": 2,
}
# The figures before the project (the previous phase's quarterly average): a share of the target.
BASELINE_SHARE = Decimal("0.6")


def seed(log) -> None:
    today = timezone.localdate()
    start = datetime.date(today.year - 1, 1, 1)
    project, _ = Project.objects.update_or_create(
        name="Labour mobility and return in the Western Balkans",
        defaults={
            "donors": "EU IPA, Austrian Development Agency",
            "start": start,
            "end": datetime.date(today.year + 1, 12, 31),
            "countries": [],
            "monthly_report": True,
        },
    )
    CountIndicator.objects.update_or_create(
        identifier="job_fairs",
        defaults={
            "name": "Job fairs held",
            "definition": "Job fairs the centres organised in the period (a count indicator "
            "defined without code).",
            "unit": "events",
            "source": "group_sessions",
            "filters": {"type": "job_fair"},
            "disaggregations": ["country", "centre"],
        },
    )
    for identifier, target in TARGETS.items():
        baseline = (Decimal(target) * BASELINE_SHARE).quantize(Decimal(1))
        attached, _ = ProjectIndicator.objects.update_or_create(
            project=project, indicator=identifier, defaults={"baseline": baseline}
        )
        for year in (today.year - 1, today.year):
            for quarter in range(4):
                first, last = period_bounds("quarter", year, quarter + 1)
                IndicatorTarget.objects.update_or_create(
                    project_indicator=attached,
                    period_start=first,
                    period_end=last,
                    defaults={"value": Decimal(target), "baseline": baseline},
                )
    log(f"project '{project.name}' with {len(TARGETS)} indicators and quarterly targets.")
