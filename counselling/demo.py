"""Demo counselling data: two years of visitors, sessions, group sessions and referrals.

About 1,500 visitors and 2,500 sessions per country with realistic shares (sex, age,
migration status, intended destinations), sessions that follow the seasons (busy spring and
autumn, quiet August and December), group sessions with attendance and counts, and referrals
in every status. Written with bulk_create so that `make demo-data` stays fast; seeded once
(a second run leaves it).
"""

import random
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils.timezone import localdate, make_aware

from accounts.models import CENTRE_ROLES, CentreMembership, User
from centres.models import Centre, PartnerOrganisation

from . import codes
from .models import (
    AuditEvent,
    ConsentEvent,
    GroupAttendance,
    GroupCount,
    GroupSession,
    Referral,
    ReferralEvent,
    Session,
    Topic,
    Visitor,
    VisitorCentre,
)

VISITORS_PER_COUNTRY = 1500  # the test suite asks for fewer: settings.DEMO_VISITORS_PER_COUNTRY
DAYS = 730
MONTH_WEIGHT = [0.8, 0.9, 1.2, 1.3, 1.2, 1.0, 0.7, 0.5, 1.1, 1.3, 1.1, 0.6]
NAMES = {
    "RS": (["Jelena", "Marko", "Ana", "Nikola", "Milica", "Stefan"], ["Petrović", "Jovanović"]),
    "AL": (["Besa", "Arben", "Elira", "Luan", "Teuta", "Ermal"], ["Hoxha", "Dervishi", "Shehu"]),
    "BA": (["Amra", "Edin", "Lejla", "Dino", "Selma", "Haris"], ["Hadžić", "Kovačević"]),
    "XK": (["Drita", "Valon", "Arta", "Blerim", "Vjosa", "Ilir"], ["Krasniqi", "Berisha"]),
    "ME": (["Milena", "Vuk", "Sanja", "Luka", "Maja", "Petar"], ["Vujović", "Radović"]),
    "MK": (["Elena", "Goran", "Marija", "Bojan", "Ivana", "Filip"], ["Popovski", "Stojanovska"]),
}
MIGRATION = [
    ("potential_migrant", 55),
    ("returnee", 20),
    ("migrant_worker", 8),
    ("family_member", 7),
    ("student", 8),
    ("other", 2),
]
DESTINATIONS = [
    ("DE", 35),
    ("AT", 15),
    ("IT", 8),
    ("SI", 8),
    ("HR", 7),
    ("CH", 6),
    ("GB", 4),
    ("SE", 3),
    ("NL", 3),
    ("FR", 3),
    ("US", 3),
    ("CA", 2),
]
TOPIC_WEIGHTS = {
    "legal-channels": 30,
    "entry-residence": 18,
    "recognition": 12,
    "study-abroad": 8,
    "irregular-risks": 10,
    "trafficking": 4,
    "pre-departure": 10,
    "reintegration": 8,
    "employment-home": 12,
    "social-security": 6,
    "other": 2,
}


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _seasonal_day(rng, today, earliest=None):
    """A day in the last two years, more likely in busy months, never a weekend."""
    earliest = earliest or today - timedelta(days=DAYS)
    span = max((today - earliest).days, 0)
    for _ in range(20):
        day = earliest + timedelta(days=rng.randint(0, span))
        if day.weekday() < 5 and rng.random() < MONTH_WEIGHT[day.month - 1] / 1.3:
            return day
    return earliest + timedelta(days=rng.randint(0, span))


def _at(day, rng, lag_days=0):
    hour = time(rng.randint(8, 15), rng.choice([0, 15, 30, 45]))
    return make_aware(datetime.combine(day + timedelta(days=lag_days), hour))


def seed(log) -> None:
    if Visitor.objects.exists():
        log(f"{Visitor.objects.count()} visitors already there; left as they are.")
        return
    rng = random.Random(2026)
    today = localdate()
    topics = list(Topic.objects.filter(is_active=True))
    topic_weights = [TOPIC_WEIGHTS.get(t.code, 5) for t in topics]
    staff = defaultdict(list)
    for membership in CentreMembership.objects.filter(user__role__in=CENTRE_ROLES).select_related(
        "user"
    ):
        staff[membership.centre_id].append(membership.user)
    partners = defaultdict(list)
    for partner in PartnerOrganisation.objects.active():
        partners[str(partner.country)].append(partner)
    centres = [c for c in Centre.objects.active().order_by("country", "code") if staff[c.pk]]
    by_country = defaultdict(list)
    for centre in centres:
        by_country[str(centre.country)].append(centre)

    visitors = _visitors(rng, today, by_country, staff)
    Visitor.objects.bulk_create(visitors, batch_size=1000)
    _consents_and_audit(visitors)
    sessions = _sessions(rng, today, visitors, staff, topics, topic_weights)
    groups = _group_sessions(rng, today, centres, staff, topics, visitors)
    referrals = _referrals(rng, today, visitors, partners)
    VisitorCentre.refresh(visitor.pk for visitor in visitors)
    log(
        f"{len(visitors)} visitors, {sessions} sessions, {groups} group sessions, "
        f"{referrals} referrals."
    )


def _visitors(rng, today, by_country, staff) -> list[Visitor]:
    visitors = []
    for country, centres in by_country.items():
        given, family = NAMES.get(country, NAMES["RS"])
        weights = [3 if c.code in ("BG", "TR", "SA", "PR", "PG", "SK") else 1 for c in centres]
        for centre in centres:
            centre.demo_last_number = 0
        for _ in range(getattr(settings, "DEMO_VISITORS_PER_COUNTRY", VISITORS_PER_COUNTRY)):
            centre = rng.choices(centres, weights)[0]
            number = centre.demo_last_number + 1
            code = codes.format_code(country, centre.code, number)
            if code is None:  # MOD 37-2 asked for "*": the number is skipped, as in services
                number += 1
                code = codes.format_code(country, centre.code, number)
            centre.demo_last_number = number
            day = _seasonal_day(rng, today)
            age = max(15, min(75, int(rng.gauss(31, 10))))
            consent = rng.random() < 0.85
            status = _pick(rng, MIGRATION)
            destinations = sorted(
                {_pick(rng, DESTINATIONS) for _ in range(rng.choice([0, 1, 1, 1, 2]))}
            )
            visitor = Visitor(
                code=code,
                centre=centre,
                sex=rng.choices("FMX", [48, 51, 1])[0],
                year_of_birth=day.year - age if rng.random() < 0.97 else None,
                citizenship=country,
                residence_country=country,
                municipality=centre.city,
                education=rng.choices(range(9), [0, 2, 10, 38, 8, 6, 22, 12, 2])[0]
                if rng.random() < 0.9
                else None,
                employment_status=rng.choice(["employed", "unemployed", "unemployed", "student"]),
                occupation=rng.choice("23456789") if rng.random() < 0.7 else "",
                languages=rng.choice([["en"], ["de"], ["en", "de"], ["it"], []]),
                migration_status=status,
                destinations=destinations if status != "returnee" else [],
                intention_purpose=rng.choices(
                    ["work", "study", "family", "other"], [70, 15, 12, 3]
                )[0],
                intention_timeframe=rng.choice(["6m", "12m", "24m", "later", "undecided"]),
                has_job_offer=rng.random() < 0.12,
                has_admission=status == "student" and rng.random() < 0.4,
                consent_service=consent,
                consent_research=consent and rng.random() < 0.7,
                consent_contact=consent and rng.random() < 0.6,
                created_by=rng.choice(staff[centre.pk]),
                created_at=_at(day, rng),
            )
            if consent:
                visitor.given_name = rng.choice(given)
                visitor.family_name = rng.choice(family)
                if rng.random() < 0.6:
                    visitor.phone = f"+{rng.randint(355, 389)}6{rng.randint(1000000, 9999999)}"
            visitor.demo_day = day
            visitors.append(visitor)
    return visitors


def _consents_and_audit(visitors) -> None:
    events, audit = [], []
    for visitor in visitors:
        for purpose in ("service", "research", "contact"):
            if getattr(visitor, f"consent_{purpose}"):
                events.append(
                    ConsentEvent(
                        visitor=visitor,
                        purpose=purpose,
                        action="given",
                        recorded_by=visitor.created_by,
                        recorded_at=visitor.created_at,
                    )
                )
        if visitor.centre.country == "RS":  # where the demo logins work: enough to show
            audit.append(
                AuditEvent(
                    visitor=visitor,
                    user=visitor.created_by,
                    action="created",
                    at=visitor.created_at,
                )
            )
    ConsentEvent.objects.bulk_create(events, batch_size=2000)
    AuditEvent.objects.bulk_create(audit, batch_size=2000)


# Most sessions inform; some end in a referral or a decision; some outcomes are not recorded.
DEMO_OUTCOMES = (
    ["informed"] * 5
    + ["referred", "plans_legal", "plans_legal", "stays", ""]
    + [
        "reintegrating",
        "undecided",
    ]
)


def _sessions(rng, today, visitors, staff, topics, topic_weights) -> int:
    sessions, topic_links = [], []
    demo_counsellor = User.objects.filter(email="counsellor@demo.example.org").first()
    for visitor in visitors:
        count = rng.choices([1, 2, 3, 4], [55, 25, 13, 7])[0]
        day = visitor.demo_day
        for index in range(count):
            if index:  # a return visit, weeks after the previous one
                day += timedelta(days=rng.randint(7, 120))
                if day.weekday() >= 5:
                    day -= timedelta(days=day.weekday() - 4)
                if day > today:
                    break
            counsellor = rng.choice(staff[visitor.centre_id])
            if demo_counsellor and demo_counsellor in staff[visitor.centre_id] and index == 0:
                counsellor = demo_counsellor if rng.random() < 0.5 else counsellor
            lag = rng.choices([0, 1, 3, 9, 15], [88, 5, 3, 3, 1])[0]
            follow_up = None
            if rng.random() < 0.2:
                follow_up = day + timedelta(days=rng.randint(7, 30))
            session = Session(
                visitor=visitor,
                centre=visitor.centre,
                counsellor=counsellor,
                date=day,
                mode=rng.choices(
                    ["in_person", "phone", "email", "online", "outreach"], [60, 20, 5, 10, 5]
                )[0],
                duration_minutes=rng.choice([15, 20, 30, 30, 45, 60])
                if rng.random() < 0.92
                else None,
                destinations=visitor.destinations,
                services=rng.sample(
                    ["information", "counselling", "cv_help", "pre_departure", "referral"],
                    rng.randint(1, 2),
                ),
                notes="",
                # Picked without the generator, so that the rest of the demo stays as it was.
                outcome=DEMO_OUTCOMES[(visitor.pk + index) % len(DEMO_OUTCOMES)],
                follow_up_date=follow_up,
                # Older follow-ups were done; the recent ones still wait on someone's desk.
                follow_up_done=bool(follow_up and follow_up < today - timedelta(days=10)),
                created_at=_at(day, rng, lag_days=min(lag, (today - day).days)),
            )
            sessions.append(session)
    Session.objects.bulk_create(sessions, batch_size=2000)
    link = Session.topics.through
    for session in sessions:
        chosen = {rng.choices(topics, topic_weights)[0] for _ in range(rng.choice([1, 1, 2, 3]))}
        topic_links += [link(session_id=session.pk, topic_id=t.pk) for t in chosen]
    link.objects.bulk_create(topic_links, batch_size=5000)
    if demo_counsellor:
        # The demo counsellor's desk shows follow-ups due today and overdue.
        recent = Session.objects.filter(counsellor=demo_counsellor).order_by("-date")[:6]
        for offset, session in zip([0, 0, -2, -5, -9, 3], recent, strict=False):
            session.follow_up_date = today + timedelta(days=offset)
            session.follow_up_done = False
            session.save(update_fields=["follow_up_date", "follow_up_done"])
    return len(sessions)


def _group_sessions(rng, today, centres, staff, topics, visitors) -> int:
    by_centre = defaultdict(list)
    for visitor in visitors:
        by_centre[visitor.centre_id].append(visitor)
    groups, plans = [], []
    for centre in centres:
        for _ in range(rng.randint(20, 40)):
            attendees = rng.sample(
                by_centre[centre.pk], min(len(by_centre[centre.pk]), rng.randint(0, 6))
            )
            cells = {}
            for _cell in range(rng.randint(0, 6)):
                band = rng.choice(["15-17", "18-24", "18-24", "25-34", "25-34", "35-44"])
                cells[(rng.choice("FM"), band)] = rng.randint(1, 15)
            total = len(attendees) + sum(cells.values()) + rng.randint(0, 10)
            group = GroupSession(
                centre=centre,
                type=rng.choice(GroupSession.Type.values),
                date=_seasonal_day(rng, today),
                place=rng.choice(
                    ["Employment office", "Secondary school", "University", "Library"]
                ),
                total_participants=max(total, 1),
                created_by=rng.choice(staff[centre.pk]),
            )
            groups.append(group)
            plans.append((attendees, cells))
    GroupSession.objects.bulk_create(groups, batch_size=1000)
    attendance, counts, topic_links, facilitators = [], [], [], []
    for group, (attendees, cells) in zip(groups, plans, strict=True):
        attendance += [GroupAttendance(group_session=group, visitor=v) for v in attendees]
        counts += [
            GroupCount(group_session=group, sex=sex, age_band=band, count=n)
            for (sex, band), n in cells.items()
        ]
        topic_links += [
            GroupSession.topics.through(groupsession_id=group.pk, topic_id=t.pk)
            for t in rng.sample(topics, 2)
        ]
        facilitators.append(
            GroupSession.facilitators.through(groupsession_id=group.pk, user_id=group.created_by_id)
        )
    GroupAttendance.objects.bulk_create(attendance, batch_size=2000)
    GroupCount.objects.bulk_create(counts, batch_size=2000)
    GroupSession.topics.through.objects.bulk_create(topic_links, batch_size=2000)
    GroupSession.facilitators.through.objects.bulk_create(facilitators, batch_size=2000)
    return len(groups)


# The path each final status took, from "sent".
PATHS = {
    "sent": ["sent"],
    "accepted": ["sent", "accepted"],
    "service_received": ["sent", "accepted", "service_received"],
    "declined": ["sent", "declined"],
    "no_response": ["sent", "no_response"],
}


def _referrals(rng, today, visitors, partners) -> int:
    referrals, paths = [], []
    for visitor in visitors:
        options = partners.get(str(visitor.centre.country))
        if not options or rng.random() > 0.1:
            continue
        partner = rng.choice(options)
        sent = _seasonal_day(rng, today, earliest=visitor.demo_day)
        status = rng.choices(list(PATHS), [15, 15, 45, 10, 15])[0]
        path = PATHS[status]
        dates = [sent]
        for _step in path[1:]:
            dates.append(min(today, dates[-1] + timedelta(days=rng.randint(3, 30))))
        referrals.append(
            Referral(
                visitor=visitor,
                centre=visitor.centre,
                partner=partner,
                service=rng.choice(partner.services or ["other"]),
                status=status,
                sent_on=sent,
                status_changed_on=dates[-1],
                outcome="Service received as planned." if status == "service_received" else "",
                created_by=visitor.created_by,
            )
        )
        paths.append(list(zip(path, dates, strict=True)))
    Referral.objects.bulk_create(referrals, batch_size=1000)
    ReferralEvent.objects.bulk_create(
        [
            ReferralEvent(
                referral=referral,
                status=status,
                date=day,
                recorded_by=referral.created_by,
                recorded_at=make_aware(datetime.combine(day, time(12))),
            )
            for referral, path in zip(referrals, paths, strict=True)
            for status, day in path
        ],
        batch_size=2000,
    )
    return len(referrals)
