"""Demo reference data, skill-demand records across sectors and regions, and trainings."""

import datetime
import zlib
from decimal import Decimal

from django.utils import timezone

from accounts.models import User

from .classifications import classifications_load
from .models import (
    WESTERN_BALKANS,
    IscoGroup,
    Sector,
    Skill,
    SkillDemand,
    TrainingOpportunity,
)

# (NACE division, ISCO-08 unit group or "", starter skill or "")
DEMANDS = [
    ("86", "2221", "provide nursing care"),
    ("86", "2212", ""),
    ("87", "5321", "provide geriatric care"),
    ("86", "2264", "perform physiotherapy treatments"),
    ("85", "2330", "teach mathematics"),
    ("85", "2356", "teach computer science"),
    ("85", "", "design e-learning courses"),
    ("62", "2512", "develop software"),
    ("62", "2529", "ensure information security"),
    ("63", "", "manage cloud infrastructure"),
    ("61", "2153", ""),
    ("71", "2142", "design civil engineering structures"),
    ("35", "2151", "design solar power systems"),
    ("43", "7411", ""),
    ("01", "2132", "apply precision agriculture"),
    ("01", "6121", ""),
    ("10", "", "apply food safety standards"),
    ("84", "2422", "manage EU-funded projects"),
    ("84", "", "transpose EU legislation"),
    ("64", "2411", "apply International Financial Reporting Standards"),
    ("66", "2413", ""),
    ("69", "", "perform financial audits"),
]
EU_REGIONS = ["DE", "AT", "IT", "SI", "HR", "SE", "NL", "FR"]
SOURCES = {
    SkillDemand.SourceType.SURVEY: "Employer skills survey",
    SkillDemand.SourceType.EMPLOYMENT_SERVICE: "Employment service vacancy data",
    SkillDemand.SourceType.EU_SHORTAGE_LIST: "EURES report on labour shortages and surpluses",
    SkillDemand.SourceType.HOST_REQUEST: "Requests from host institutions",
}

# (title, provider, kind, country, city, division, stipend, years at home, deadline in days)
TRAININGS = [
    ("Young health professionals traineeship", "University Hospital Graz", "traineeship", "AT",
     "Graz", "86", "1450", 2, 45),
    ("Software engineering internship with return grant", "Digital Skills Alliance", "internship",
     "DE", "Berlin", "62", "1600", 0, 20),
    ("Public administration traineeship", "Regional School of Public Administration",
     "training", "SI", "Ljubljana", "84", "1100", 3, 60),
    ("Renewable energy engineering traineeship", "Energy Agency Lower Austria", "traineeship",
     "AT", "St. Pölten", "35", "1500", 2, 90),
    ("Agri-food innovation internship", "Food Technology Institute", "internship", "IT",
     "Bologna", "10", "900", 1, 30),
    ("Master's scholarship in public finance", "Home-country scholarship fund", "scholarship",
     "NL", "Rotterdam", "64", "1250", 5, 10),
    ("Teacher exchange in digital education", "European Schoolnet", "training", "FR", "Lille",
     "85", "1000", 2, -15),
]  # fmt: skip


def _demand_records(recorded_by) -> int:
    sectors = {s.code: s for s in Sector.objects.filter(level=2)}
    isco = {g.code: g for g in IscoGroup.objects.filter(code__in={d[1] for d in DEMANDS if d[1]})}
    skills = {s.name: s for s in Skill.objects.filter(name__in={d[2] for d in DEMANDS if d[2]})}
    year = timezone.localdate().year
    regions = WESTERN_BALKANS + EU_REGIONS
    source_types = list(SOURCES)
    count = 0
    for division, isco_code, skill_name in DEMANDS:
        for region in regions:
            seed = zlib.crc32(f"{division}{isco_code}{skill_name}{region}".encode())
            if seed % 3:  # about a third of the combinations: a map with gaps, as in reality
                continue
            source_type = source_types[seed % len(source_types)]
            period_start = datetime.date(year - (seed % 2), 1, 1)
            SkillDemand.objects.update_or_create(
                region=region,
                sector=sectors[division],
                isco_group=isco.get(isco_code),
                skill=skills.get(skill_name),
                source_type=source_type,
                period_start=period_start,
                defaults={
                    "shortage": seed % 4 + 1,
                    "workers_needed": (seed % 40 + 1) * 10 if seed % 5 else None,
                    "source_name": f"{SOURCES[source_type]} {period_start.year}",
                    "period_end": datetime.date(period_start.year, 12, 31),
                    "recorded_by": recorded_by,
                },
            )
            count += 1
    return count


def _trainings(created_by) -> None:
    today = timezone.localdate()
    sectors = {s.code: s for s in Sector.objects.filter(level=2)}
    for title, provider, kind, country, city, division, stipend, years, days in TRAININGS:
        TrainingOpportunity.objects.update_or_create(
            title=title,
            defaults={
                "provider": provider,
                "kind": kind,
                "country": country,
                "city": city,
                "sector": sectors[division],
                "description": (
                    f"{title} in {city} for graduates from the Western Balkans: mentoring, "
                    "work on real projects and a certificate at the end."
                ),
                "eligibility": "Graduates (bachelor's or higher) under 35 from AL, BA, XK, ME, "
                "MK or RS.",
                "min_education": 6,
                "stipend": Decimal(stipend),
                "return_incentive": "A return grant and help finding work at home through the "
                "Migrant Service Centres."
                if years
                else "",
                "return_obligation_years": years or None,
                "application_deadline": today + datetime.timedelta(days=days),
                "start_date": today + datetime.timedelta(days=days + 60),
                "end_date": today + datetime.timedelta(days=days + 240),
                "url": "https://example.org/apply",
                "created_by": created_by,
            },
        )


def seed(log) -> None:
    report = classifications_load()
    programme = User.objects.filter(email="programme@demo.example.org").first()
    demands = _demand_records(programme)
    _trainings(programme)
    interests = _training_interests()
    log(
        f"{report}; {demands} skill-demand records and {len(TRAININGS)} trainings "
        f"({interests} visitors informed or applied)."
    )


def _training_interests() -> int:
    """A few student visitors of the demo centres told of the trainings, some of whom applied."""
    from counselling.models import TrainingInterest, Visitor

    trainings = list(TrainingOpportunity.objects.published().order_by("pk")[:3])
    visitors = Visitor.objects.active().select_related("centre").order_by("pk")[:12]
    for n, visitor in enumerate(visitors):
        if not trainings:
            break
        training = trainings[n % len(trainings)]
        counsellor = visitor.created_by
        for status in ["informed", "applied"][: 1 + (n % 3 == 0)]:
            TrainingInterest.objects.get_or_create(
                visitor=visitor,
                training=training,
                status=status,
                defaults={"centre": visitor.centre, "recorded_by": counsellor},
            )
    return TrainingInterest.objects.count()
