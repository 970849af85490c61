"""Demo results framework: a donor project with targets for the counselling indicators."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .forms import period_bounds
from .models import IndicatorTarget, Project, ProjectIndicator

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
}


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
    for identifier, target in TARGETS.items():
        attached, _ = ProjectIndicator.objects.update_or_create(
            project=project, indicator=identifier, defaults={"baseline": Decimal(0)}
        )
        for year in (today.year - 1, today.year):
            for quarter in range(4):
                first, last = period_bounds("quarter", year, quarter + 1)
                IndicatorTarget.objects.update_or_create(
                    project_indicator=attached,
                    period_start=first,
                    period_end=last,
                    defaults={"value": Decimal(target)},
                )
    log(f"project '{project.name}' with {len(TARGETS)} indicators and quarterly targets.")
