"""Demo data for the TVR programme: hosts, needs, experts, applications and assignments in every
state. host@demo.example.org is a member of the Novi Sad clinical centre; expert@demo.example.org
has a full profile. Idempotent: rows are found by their natural keys and updated."""

import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils.timezone import now

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD
from accounts.models import Role, User
from skills.models import IscedLevel, IscoGroup, Sector, Skill

from .models import (
    Application,
    Assignment,
    Availability,
    ExpertLanguage,
    ExpertProfile,
    ExpertReport,
    ExpertSkill,
    Host,
    HostEvaluation,
    HostMembership,
    InternshipIdentification,
    Need,
    NeedLanguage,
    OfficialParticipant,
    OfficialTraining,
    Programme,
    SurveyQuestion,
    SurveyResponse,
)
from .services import survey_answer, surveys_open

TODAY = datetime.date(2026, 11, 23)  # fixed, so that the demo looks the same on every run

SECTORS = [
    ("Q", 1, "Human health and social work activities", None),
    ("86", 2, "Human health activities", "Q"),
    ("P", 1, "Education", None),
    ("85", 2, "Education", "P"),
    ("J", 1, "Information and communication", None),
    ("O", 1, "Public administration and defence; compulsory social security", None),
    ("A", 1, "Agriculture, forestry and fishing", None),
]
SKILLS = [
    "mechanical ventilation",
    "intensive care nursing",
    "triage",
    "curriculum development",
    "teacher training",
    "Python programming",
    "cloud infrastructure",
    "cyber security",
    "public procurement",
    "EU funds project management",
    "organic farming",
    "irrigation systems",
]
HOSTS = [
    # name, kind, country, city, sector, verified
    ("Clinical Centre of Vojvodina", Host.Kind.HOSPITAL, "RS", "Novi Sad", "86", True),
    (
        "University of Tirana, Faculty of Informatics",
        Host.Kind.UNIVERSITY,
        "AL",
        "Tirana",
        "J",
        True,
    ),
    ("Secondary Agricultural School Bijeljina", Host.Kind.SCHOOL, "BA", "Bijeljina", "A", True),
    (
        "Ministry of Local Self-Government",
        Host.Kind.PUBLIC_ADMINISTRATION,
        "MK",
        "Skopje",
        "O",
        True,
    ),
    ("Prishtina Tech Hub", Host.Kind.NGO, "XK", "Prishtina", "J", False),
]
# title, host index, sector, essential skills, optional skills, mode, days, status
NEEDS = [
    ("ICU ventilation training", 0, "86", [0, 1], [2], "physical", 20, "published"),
    ("Emergency triage protocol", 0, "86", [2], [1], "either", 10, "published"),
    ("Nursing curriculum review", 0, "86", [1, 3], [], "virtual", 15, "submitted"),
    ("Hospital information system", 0, "86", [5], [6], "virtual", 25, "draft"),
    ("Paediatric ICU mentoring", 0, "86", [0], [], "physical", 30, "filled"),
    ("Infection control audit", 0, "86", [1], [], "physical", 10, "closed"),
    ("Radiology tele-reading", 0, "86", [5], [], "virtual", 10, "cancelled"),
    ("Cloud computing course", 1, "J", [6, 5], [7], "virtual", 20, "published"),
    ("Cyber security lab", 1, "J", [7], [6], "physical", 30, "published"),
    ("Organic farming module", 2, "A", [10], [11], "either", 15, "published"),
    ("EU funds project office", 3, "O", [9, 8], [], "physical", 40, "published"),
]
# The occupation (ISCO-08 unit group) of each need and expert, in the order of NEEDS and EXPERTS.
NEED_ISCO = ["2221", "2221", "2221", "2512", "2212", "2221", "2212", "2512", "2529", "2132", "2422"]
EXPERT_ISCO = ["2212", "2221", "2529", "2132", "2422", "3221", "2512", "2211"]
EXPERTS = [
    # e-mail, name, origin, residence, city, isced, years, skills, languages, mode
    (
        "expert@demo.example.org",
        "Arben Krasniqi",
        "XK",
        "DE",
        "Munich",
        IscedLevel.MASTER,
        12,
        [0, 1, 2, 3],
        [("sq", "C2"), ("sr", "B2"), ("de", "C1"), ("en", "C1")],
        "either",
    ),
    (
        "expert.1@demo.example.org",
        "Ivana Stojanović",
        "RS",
        "AT",
        "Vienna",
        7,
        9,
        [0, 1],
        [("sr", "C2"), ("de", "C1")],
        "physical",
    ),
    (
        "expert.2@demo.example.org",
        "Luan Berisha",
        "AL",
        "IT",
        "Milan",
        6,
        6,
        [5, 6, 7],
        [("sq", "C2"), ("it", "C1")],
        "virtual",
    ),
    (
        "expert.3@demo.example.org",
        "Edin Hadžić",
        "BA",
        "SE",
        "Malmö",
        8,
        15,
        [10, 11],
        [("bs", "C2"), ("sv", "B2")],
        "either",
    ),
    (
        "expert.4@demo.example.org",
        "Marija Popovska",
        "MK",
        "NL",
        "Utrecht",
        7,
        8,
        [8, 9],
        [("mk", "C2"), ("en", "C1")],
        "physical",
    ),
    (
        "expert.5@demo.example.org",
        "Goran Marković",
        "ME",
        "CH",
        "Zürich",
        6,
        4,
        [2, 3, 4],
        [("sr", "C2"), ("de", "B2")],
        "either",
    ),
    (
        "expert.6@demo.example.org",
        "Teuta Dervishi",
        "XK",
        "FR",
        "Lyon",
        7,
        10,
        [6, 7],
        [("sq", "C2"), ("fr", "C1")],
        "virtual",
    ),
    (
        "expert.7@demo.example.org",
        "Nikola Kovačević",
        "RS",
        "DE",
        "Berlin",
        7,
        11,
        [0, 1, 2],
        [("sr", "C2"), ("de", "C2")],
        "physical",
    ),
]


def _sectors() -> dict[str, Sector]:
    sectors: dict[str, Sector] = {}
    for code, level, name, parent in SECTORS:
        sectors[code], _ = Sector.objects.get_or_create(
            code=code, defaults={"level": level, "name": name, "parent": sectors.get(parent)}
        )
    return sectors


def _skills() -> list[Skill]:
    found = []
    for name in SKILLS:
        skill = Skill.objects.filter(name__iexact=name).order_by("pk").first()
        found.append(skill or Skill.objects.create(name=name))
    return found


def _hosts(sectors, host_user) -> list[Host]:
    hosts = []
    for name, kind, country, city, sector, verified in HOSTS:
        host, _ = Host.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "country": country,
                "city": city,
                "sector": sectors[sector],
                "focal_point_name": "Focal Point",
                "focal_point_email": f"focal.{country.lower()}@{DEMO_DOMAIN}",
            },
        )
        if verified and not host.verified_at:
            host.verified_at = now()
            host.save(update_fields=["verified_at"])
        hosts.append(host)
    HostMembership.objects.get_or_create(host=hosts[0], user=host_user)
    for host in hosts[1:]:
        email = f"host.{host.country.code.lower()}@{DEMO_DOMAIN}"
        member = _user(email, f"Host member {host.country.code}", Role.HOST_MEMBER)
        HostMembership.objects.get_or_create(host=host, user=member)
    return hosts


_PASSWORD_HASH: list[str] = []


def _user(email, name, role) -> User:
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(DEMO_PASSWORD))
    return User.objects.get_or_create(
        email=email, defaults={"full_name": name, "role": role, "password": _PASSWORD_HASH[0]}
    )[0]


def _needs(hosts, sectors, skills, programme, creator) -> list[Need]:
    needs = []
    for n, (title, host, sector, essential, optional, mode, days, status) in enumerate(NEEDS):
        start = TODAY + datetime.timedelta(days=30 + 10 * n)
        need, _ = Need.objects.update_or_create(
            host=hosts[host],
            title=title,
            defaults={
                "programme": programme,
                "description": f"{title}: the institution asks an expert to train its staff.",
                "sector": sectors[sector],
                "isco_group": IscoGroup.objects.get(code=NEED_ISCO[n]),
                "mode": mode,
                "duration_days": days,
                "window_start": start,
                "window_end": start + datetime.timedelta(days=120),
                "location": hosts[host].city,
                "deliverables": "Training plan, workshops, a final report.",
                "status": status,
                "published_at": now() if status in ("published", "filled", "closed") else None,
                "min_isced": IscedLevel.BACHELOR,
                "created_by": creator if host == 0 else None,
            },
        )
        need.essential_skills.set([skills[i] for i in essential])
        need.optional_skills.set([skills[i] for i in optional])
        NeedLanguage.objects.get_or_create(need=need, language="en", defaults={"min_level": "B2"})
        needs.append(need)
    return needs


def _experts(skills, sectors) -> list[ExpertProfile]:
    experts = []
    for n, row in enumerate(EXPERTS):
        email, name, origin, residence, city, isced, years, own, languages, mode = row
        user = User.objects.filter(email=email).first() or _user(email, name, Role.EXPERT)
        expert, _ = ExpertProfile.objects.update_or_create(
            user=user,
            defaults={
                "country_of_origin": origin,
                "country_of_residence": residence,
                "city_of_residence": city,
                "citizenships": [origin, residence],
                "residence_status": ExpertProfile.ResidenceStatus.PERMANENT,
                "isco_group": IscoGroup.objects.get(code=EXPERT_ISCO[n]),
                "isced_level": isced,
                "field_of_education": "Health sciences" if 0 in own else "Engineering",
                "years_experience": years,
                "preferred_mode": mode,
                "bio": f"{name} works in {city} and wants to pass on what they learned.",
                "consent_at": now(),
            },
        )
        expert.sectors.set([sectors["86"] if 0 in own else sectors["J"]])
        for i in own:
            ExpertSkill.objects.get_or_create(expert=expert, skill=skills[i])
        for language, level in languages:
            ExpertLanguage.objects.update_or_create(
                expert=expert, language=language, defaults={"level": level}
            )
        Availability.objects.get_or_create(
            expert=expert,
            start=TODAY + datetime.timedelta(days=20),
            end=TODAY + datetime.timedelta(days=260),
        )
        experts.append(expert)
    return experts


def _application(need, expert, status) -> Application:
    application, _ = Application.objects.update_or_create(
        need=need,
        expert=expert,
        defaults={
            "motivation": "I have done this work for years and would like to give back.",
            "proposed_start": need.window_start,
            "proposed_end": need.window_start + datetime.timedelta(days=40),
            "mode": need.mode if need.mode != "either" else "physical",
            "status": status,
            "proposed_at": now()
            if status in ("proposed", "accepted", "declined", "approved")
            else None,
        },
    )
    return application


def _assignment(application, status, report=False, evaluation=False) -> Assignment:
    assignment, _ = Assignment.objects.update_or_create(
        application=application,
        defaults={
            "mode": application.mode,
            "start": application.proposed_start,
            "end": application.proposed_end,
            "working_days": application.need.duration_days,
            "deliverables": application.need.deliverables,
            "travel": Decimal("420.00"),
            "per_diem_rate": Decimal("45.00"),
            "accommodation": Decimal("1200.00"),
            "insurance": Decimal("60.00"),
            "fee": Decimal("1500.00"),
            "status": status,
        },
    )
    if report:
        ExpertReport.objects.get_or_create(
            assignment=assignment,
            defaults={
                "activities": "Six workshops.",
                "outputs": "A protocol.",
                "people_trained": 24,
            },
        )
    if evaluation:
        HostEvaluation.objects.get_or_create(
            assignment=assignment,
            defaults={"overall": 5, "relevance": 5, "expertise": 4, "comments": "Very useful."},
        )
    return assignment


def seed(log) -> None:
    host_user = User.objects.get(email=f"host@{DEMO_DOMAIN}")
    programme = Programme.objects.get(is_default=True)
    sectors, skills = _sectors(), _skills()
    hosts = _hosts(sectors, host_user)
    needs = _needs(hosts, sectors, skills, programme, host_user)
    experts = _experts(skills, sectors)
    published = [n for n in needs if n.status == Need.Status.PUBLISHED]
    main, ivana, luan, edin, marija, goran, teuta, nikola = experts
    # Applications in every state (the demo expert's own across several needs).
    _application(published[0], main, Application.Status.PROPOSED)
    _application(published[1], main, Application.Status.SUBMITTED)
    _application(published[2], main, Application.Status.SCREENING)
    _application(published[0], ivana, Application.Status.SHORTLISTED)
    _application(published[1], nikola, Application.Status.ACCEPTED)
    _application(published[3], luan, Application.Status.DECLINED)
    _application(published[4], edin, Application.Status.REJECTED)
    _application(published[5], marija, Application.Status.WITHDRAWN)
    _application(published[1], goran, Application.Status.SUBMITTED)
    # Assignments in every state, each from an approved application.
    approved = Application.Status.APPROVED
    filled = next(n for n in needs if n.status == Need.Status.FILLED)
    closed = next(n for n in needs if n.status == Need.Status.CLOSED)
    S = Assignment.Status
    _assignment(_application(filled, main, approved), S.REPORTED, report=True)
    closed_assignment = _assignment(
        _application(closed, main, approved), S.CLOSED, report=True, evaluation=True
    )
    _assignment(_application(published[0], nikola, approved), S.PLANNED)
    _assignment(_application(published[2], teuta, approved), S.IN_PROGRESS)
    _assignment(_application(published[3], teuta, approved), S.COMPLETED)
    _assignment(
        _application(published[4], goran, approved), S.EVALUATED, report=True, evaluation=True
    )
    _assignment(_application(filled, ivana, approved), S.CANCELLED)
    surveys = _surveys(closed_assignment, host_user)
    _capacity_building()
    log(
        f"{surveys} surveys, {OfficialTraining.objects.count()} trainings of officials, "
        f"{InternshipIdentification.objects.count()} internships identified."
    )
    log(
        f"{Host.objects.count()} host institutions, {Need.objects.count()} needs, "
        f"{ExpertProfile.objects.count()} experts, {Application.objects.count()} applications, "
        f"{Assignment.objects.count()} assignments."
    )


# The programme's survey questions: (audience, moment, kind, text, options, measures).
SURVEY_QUESTIONS = [
    ("expert", "before", "text", "What do you expect to pass on to the host?", "", ""),
    ("host", "before", "text", "What should change thanks to the assignment?", "", ""),
    ("expert", "end", "rating", "How well could you work with the host's staff?", "", ""),
    ("host", "end", "rating", "How useful was the assignment for the institution?", "", ""),
    (
        "host",
        "year_after",
        "choice",
        "Is what the expert brought still in use?",
        "Yes\nPartly\nNo",
        "lasting_change",
    ),
    ("host", "year_after", "text", "What has changed since?", "", ""),
    (
        "expert",
        "year_after",
        "choice",
        "Are you still in contact with the host institution?",
        "Yes\nNo",
        "still_in_contact",
    ),
]


def _surveys(closed: Assignment, host_user: User) -> int:
    """Questions, the surveys due, and the one-year surveys of the closed assignment answered
    (it ended fourteen months ago), so that the indicators and the export have data."""
    for order, (audience, moment, kind, text, options, measures) in enumerate(SURVEY_QUESTIONS):
        SurveyQuestion.objects.update_or_create(
            text=text,
            defaults={
                "audience": audience,
                "moment": moment,
                "kind": kind,
                "options": options,
                "measures": measures,
                "order": order,
                "required": kind != "text",
            },
        )
    Assignment.objects.filter(pk=closed.pk).update(
        start=TODAY - datetime.timedelta(days=450), end=TODAY - datetime.timedelta(days=420)
    )
    surveys_open()
    wanted = {"expert": "Yes", "host": "Yes"}
    for survey in SurveyResponse.objects.open().filter(assignment=closed, moment="year_after"):
        user = host_user if survey.audience == "host" else closed.application.expert.user
        questions = SurveyQuestion.objects.filter(audience=survey.audience, moment="year_after")
        answers = {
            q: wanted[survey.audience] if q.kind == "choice" else "A triage protocol in all wards."
            for q in questions
        }
        survey_answer(response=survey, user=user, answers=answers)
    return SurveyResponse.objects.count()


def _capacity_building() -> None:
    """Two events for officials (a consular official among the participants) and two internships
    that official identified."""
    events = [
        (
            "Circular migration for labour ministries",
            "training",
            -120,
            "RS",
            "Belgrade",
            "MSC network with the Ministry of Labour",
            [
                ("Jelena Petrović", "Ministry of Labour", "Head of unit", "F", "RS", False),
                ("Milan Jovanović", "National Employment Service", "Adviser", "M", "RS", False),
                ("Ana Nikolić", "Embassy of Serbia in Berlin", "Consul", "F", "RS", True),
            ],
        ),
        (
            "Regional workshop: diaspora skills for public institutions",
            "regional_workshop",
            -60,
            "MK",
            "Skopje",
            "MSC network",
            [
                ("Elena Stojanovska", "Ministry of Health", "Director", "F", "MK", False),
                ("Besnik Hoxha", "Ministry of Education", "Policy officer", "M", "AL", False),
                ("Amra Hodžić", "Ministry of Civil Affairs", "Adviser", "F", "BA", False),
                (
                    "Dren Gashi",
                    "Consulate of Kosovo in Stuttgart",
                    "Consular officer",
                    "M",
                    "XK",
                    True,
                ),
            ],
        ),
    ]
    consuls = []
    for title, kind, days, country, place, organiser, people in events:
        training, _ = OfficialTraining.objects.update_or_create(
            title=title,
            defaults={
                "kind": kind,
                "date": TODAY + datetime.timedelta(days=days),
                "country": country,
                "location": place,
                "organiser": organiser,
            },
        )
        for name, institution, function, sex, home, consular in people:
            person, _ = OfficialParticipant.objects.update_or_create(
                training=training,
                name=name,
                defaults={
                    "institution": institution,
                    "function": function,
                    "sex": sex,
                    "country": home,
                    "is_consular": consular,
                },
            )
            if consular:
                consuls.append(person)
    health, it = Sector.objects.get(code="86"), Sector.objects.get(code="62")
    for consul, employer, destination, sector, places, kind in [
        (consuls[0], "Charité – Universitätsmedizin Berlin", "DE", health, 4, "work"),
        (consuls[1], "Hochschule für Technik Stuttgart", "DE", it, 6, "study"),
    ]:
        InternshipIdentification.objects.update_or_create(
            identified_by=consul,
            employer=employer,
            defaults={
                "kind": kind,
                "identified_on": TODAY - datetime.timedelta(days=30),
                "destination": destination,
                "sector": sector,
                "places": places,
            },
        )
