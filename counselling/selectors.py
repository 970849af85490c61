"""Reads of the counselling desk: lists, the visitor's timeline, the counsellor's day."""

from datetime import date, timedelta

from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.timezone import localdate

from centres.models import Centre
from msc_portal import retention

from . import codes
from .models import (
    AuditEvent,
    ConsentEvent,
    GroupAttendance,
    GroupSession,
    Referral,
    ReferralEvent,
    Session,
    SessionImport,
    Visitor,
)

SEARCH_LIMIT = 20


# The columns of the visitor list (counselling/visitor_list.html), the only ones read for it.
VISITOR_LIST_FIELDS = (
    "code",
    "given_name",
    "family_name",
    "sex",
    "year_of_birth",
    "month_of_birth",
    "migration_status",
    "centre",
    "centre__city",
)


def visitor_list(*, user, centre: Centre | None = None):
    visitors = Visitor.objects.visible_to(user).select_related("centre").only(*VISITOR_LIST_FIELDS)
    if centre is not None:
        visitors = visitors.filter(centre=centre)
    return visitors.order_by("-created_at")


def visitors_with_last_session(visitors) -> list[Visitor]:
    """The visitors of a page, each with the date of their last live session (or None).

    One query for the page, after it is cut: a subquery in the list would run for every row
    the page's OFFSET skips, and a GROUP BY over the sessions would make the count aggregate
    every session in scope."""
    visitors = list(visitors)
    last = dict(
        Session.objects.live()
        .filter(visitor__in=[visitor.pk for visitor in visitors])
        .order_by()
        .values_list("visitor")
        .annotate(Max("date"))
    )
    for visitor in visitors:
        visitor.last_session = last.get(visitor.pk)
    return visitors


def visitor_search(*, user, query: str) -> list[Visitor]:
    """One box: a code (even of another centre, when complete), a phone number, or a name."""
    from .services import visitor_find_by_code

    query = query.strip()
    code = codes.normalise(query)
    if not codes.is_valid(code):
        code = codes.from_scan(query) or code  # a scanned card: a URL or prefix around the code
    if codes.is_valid(code):
        found = visitor_find_by_code(user=user, raw_code=code)
        return [found] if found else []
    visitors = Visitor.objects.visible_to(user).select_related("centre")
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 6 and len(digits) >= len(query.replace(" ", "")) - 1:
        return list(visitors.filter(phone__endswith=digits[-8:])[:SEARCH_LIMIT])
    match = Q(code__istartswith=code)
    words = query.split()
    if words:
        name = Q()
        for word in words:
            name &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
        match |= name
    # Case-insensitive order, which no index holds: the planner starts from the scope or from
    # the names' trigram indexes (migration 0014), never walks the whole name index for a LIMIT.
    order = (Lower("family_name"), Lower("given_name"), "pk")
    return list(visitors.filter(match).order_by(*order)[:SEARCH_LIMIT])


TIMELINE_LENGTH = 10


def visitor_timeline(*, visitor: Visitor, user, length: int | None = None) -> list[dict]:
    """Sessions, group attendances, referrals, consent events and corrections, newest first;
    the newest `length` of them and one more, which tells that there are more.

    Deleted sessions and referrals are left out; their deletion (who, when, why) is an item."""
    from .services import may_correct

    staffed = Centre.objects.staffed_ids(user)
    cut = slice(None if length is None else length + 1)

    sessions = (
        visitor.sessions.live()
        .select_related("centre", "counsellor")
        # Of the centre and the counsellor, only what the timeline names.
        .only(*_columns(Session), "centre__city", "counsellor__full_name")
        .prefetch_related("topics")
        .order_by("-date", "-pk")
    )[cut]
    groups = (
        visitor.group_sessions.filter(deleted_at__isnull=True)
        .select_related("centre")
        .order_by("-date", "-pk")
    )[cut]
    referrals = (
        visitor.referrals.live()
        .select_related("partner", "centre")
        .prefetch_related("events")
        .order_by("-sent_on", "-pk")
    )[cut]
    consents = (
        ConsentEvent.objects.filter(visitor=visitor)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )[cut]
    corrections = (
        visitor.audit_events.filter(
            action__in=[AuditEvent.Action.CORRECTED, AuditEvent.Action.DELETED]
        )
        .select_related("user")
        .order_by("-at", "-pk")
    )[cut]
    items = [
        {
            "kind": "session",
            "date": s.date,
            "object": s,
            "show_notes": s.notes_visible_to(user),
            "can_correct": may_correct(user=user, record=s, centre_ids=staffed),
        }
        for s in sessions
    ]
    items += [{"kind": "group", "date": g.date, "object": g} for g in groups]
    items += [{"kind": "referral", "date": r.sent_on, "object": r} for r in referrals]
    items += [{"kind": "consent", "date": c.recorded_at.date(), "object": c} for c in consents]
    items += [
        {"kind": "correction", "date": localdate(e.at), "object": e, "said": _correction_text(e)}
        for e in corrections
    ]
    return sorted(items, key=lambda item: item["date"], reverse=True)[cut]


def _columns(model) -> list[str]:
    """Every column of the model's own rows, for .only() with some of its related rows'."""
    return [field.name for field in model._meta.concrete_fields]


CORRECTED_MODELS = {"session": Session, "groupsession": GroupSession, "referral": Referral}


def _correction_text(event: AuditEvent) -> str:
    """ "session 12: duration_minutes, outcome" as the user reads it: "Session: duration
    (minutes), outcome"; a deletion keeps its reason."""
    head, _sep, rest = event.detail.partition(": ")
    model = CORRECTED_MODELS.get(head.split(" ")[0])
    if model is None:
        return event.detail
    label = str(model._meta.verbose_name).capitalize()
    if event.action == AuditEvent.Action.DELETED:
        return f"{label}: {rest}"
    names = []
    for name in rest.split(", "):
        try:
            names.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field renamed since: its stored name
            names.append(name)
    return f"{label}: {', '.join(names)}"


def follow_ups_due(*, user):
    """Sessions of the user's centres whose follow-up is today or overdue and not done."""
    today = localdate()
    return (
        Session.objects.visible_to(user)
        .filter(
            centre__in=Centre.objects.staffed_by(user),
            follow_up_date__lte=today,
            follow_up_done=False,
        )
        .select_related("visitor", "centre")
        .order_by("follow_up_date")
    )


def referral_list(*, user, open_only=True):
    """Referrals made by the user's centres, oldest first."""
    referrals = Referral.objects.visible_to(user).filter(centre__in=Centre.objects.staffed_by(user))
    if open_only:
        referrals = referrals.open()
    return referrals.select_related("visitor", "partner", "centre").order_by("sent_on", "pk")


# What the desk (counselling/_desk.html) shows of a row's visitor. Its rows are read with only
# the columns shown: turning a session with its visitor's forty columns into objects cost more
# than fetching it.
DESK_VISITOR_FIELDS = ("visitor", "visitor__code", "visitor__given_name", "visitor__family_name")


def counsellor_home(user) -> dict:
    today = localdate()
    follow_ups = list(
        follow_ups_due(user=user)
        .select_related(None)
        .select_related("visitor")
        .only("follow_up_date", *DESK_VISITOR_FIELDS)[:20]
    )
    open_referrals = (
        referral_list(user=user)
        .select_related(None)
        .select_related("visitor", "partner")
        .only("sent_on", "status", "partner", "partner__name", *DESK_VISITOR_FIELDS)
    )
    return {
        "today": today,
        "follow_ups": follow_ups,
        "follow_ups_today": [s for s in follow_ups if s.follow_up_date == today],
        "follow_ups_overdue": [s for s in follow_ups if s.follow_up_date < today],
        "open_referrals": list(open_referrals[:10]),
        "last_sessions": last_sessions(user=user),
    }


def last_sessions(*, user, count: int = 10) -> list[Session]:
    """The sessions the user logged last, among those they may still see."""
    mine = (
        Session.objects.visible_to(user)
        .filter(counsellor=user)
        .select_related("visitor", "centre")
        .only("date", "mode", "centre", "centre__city", *DESK_VISITOR_FIELDS)
        .order_by("-created_at")
    )
    # PostgreSQL cannot know that a counsellor's sessions are nearly all with their centre's
    # visitors: asked for the whole set at once, it walks every visitor of the centre. So the
    # newest few are checked first (index session_by_counsellor), the whole set only when too
    # few of them are left to the user. Their keys are fetched first: given the subquery, the
    # planner still gathered all of the counsellor's sessions at the centre to join them.
    newest = Session.objects.live().filter(counsellor=user).order_by("-created_at")
    keys = list(newest.values_list("pk", flat=True)[: 5 * count])
    found = list(mine.filter(pk__in=keys)[:count])
    if len(found) < count:
        found = list(mine[:count])
    return found


def referral_history(referral: Referral):
    return ReferralEvent.objects.filter(referral=referral).select_related("recorded_by")


def group_session_list(*, user):
    return GroupSession.objects.visible_to(user).select_related("centre").order_by("-date")


def presence_list(*, user):
    """Proofs of presence taken, or refused, at other centres for the user's visitors: what a
    registering centre's manager watches. Read from the audit trail, where both are written."""
    return (
        AuditEvent.objects.filter(
            visitor__in=Visitor.objects.visible_to(user),
            action__in=[AuditEvent.Action.PRESENCE, AuditEvent.Action.NO_PROOF],
        )
        .select_related("visitor", "user")
        .order_by("-at", "-pk")
    )


def audit_event_list(
    *, user, who=None, visitor_code: str = "", action: str = "", start=None, end=None
):
    """The audit entries a manager may search (AuditEventQuerySet.visible_to), filtered."""
    events = AuditEvent.objects.visible_to(user)
    if who is not None:
        events = events.filter(user=who)
    if visitor_code:
        events = events.filter(visitor__code=visitor_code)
    if action:
        events = events.filter(action=action)
    if start is not None:
        events = events.filter(at__date__gte=start)
    if end is not None:
        events = events.filter(at__date__lte=end)
    return events.select_related("user", "visitor", "centre").order_by("-at", "-pk")


# --- Retention and people's rights ------------------------------------------------------------


def _inactive_before(cutoff: date) -> Q:
    """No activity on or after the cut-off: registration, record changes (consent included),
    sessions, group attendance, referrals sent or moved on."""
    sessions = Session.objects.filter(visitor=OuterRef("pk"), date__gte=cutoff)
    groups = GroupAttendance.objects.filter(visitor=OuterRef("pk"), group_session__date__gte=cutoff)
    referrals = Referral.objects.filter(visitor=OuterRef("pk")).filter(
        Q(sent_on__gte=cutoff) | Q(status_changed_on__gte=cutoff)
    )
    return (
        Q(created_at__date__lt=cutoff, updated_at__date__lt=cutoff)
        & ~Exists(sessions)
        & ~Exists(groups)
        & ~Exists(referrals)
    )


def visitors_due_for_retention(*, today: date, visitors=None):
    """Visitors not yet anonymised whose last activity is older than their country's period
    (the country of the registering centre)."""
    visitors = Visitor.objects.all() if visitors is None else visitors
    due = Q(pk__in=[])
    for country in Centre.objects.values_list("country", flat=True).distinct():
        cutoff = retention.cutoff(retention.visitor_months(country), today)
        due |= Q(centre__country=country) & _inactive_before(cutoff)
    return visitors.filter(anonymised_at__isnull=True).filter(due)


def retention_preview(*, user, today: date | None = None) -> dict:
    """What the next nightly run would anonymise in the user's scope: a count per centre and
    each centre's cut-off date. The run is at night, so the day looked at is tomorrow."""
    run_on = (today or localdate()) + timedelta(days=1)
    due = visitors_due_for_retention(
        today=run_on, visitors=Visitor.objects.visible_to(user)
    ).order_by()
    counts = dict(due.values_list("centre").annotate(n=Count("pk")))
    rows = [
        {
            "centre": centre,
            "months": retention.visitor_months(centre.country),
            "cutoff": retention.cutoff(retention.visitor_months(centre.country), run_on),
            "count": counts.get(centre.pk, 0),
        }
        for centre in Centre.objects.staffed_by(user).order_by("country", "name")
    ]
    return {"run_on": run_on, "rows": rows, "total": sum(row["count"] for row in rows)}


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def visitor_data(*, visitor: Visitor, user) -> dict:
    """Everything held about one visitor (Article 15/20), in plain JSON types. Session notes are
    for the staff of the centre that wrote them (Session.notes_visible_to): those of other
    centres are left out, and `notes_held_elsewhere` names the centres that can add them."""
    profile = {
        field.name: getattr(visitor, field.attname)
        for field in Visitor._meta.concrete_fields
        if field.name not in ("pin_hash", "merged_into", "created_by", "centre")
    }
    profile.update(
        centre=visitor.centre.name,
        citizenship=str(visitor.citizenship),
        residence_country=str(visitor.residence_country),
        destinations=[str(country) for country in visitor.destinations],
        created_at=_iso(visitor.created_at),
        updated_at=_iso(visitor.updated_at),
        anonymised_at=_iso(visitor.anonymised_at),
    )
    sessions = visitor.sessions.select_related("centre").prefetch_related("topics")
    referrals = visitor.referrals.select_related("centre", "partner").prefetch_related("events")
    attendances = visitor.group_attendances.select_related("group_session__centre")
    held_elsewhere = sorted(
        {s.centre.name for s in sessions if s.notes and not s.notes_visible_to(user)}
    )
    return {
        "profile": profile,
        "consent_history": [
            {"purpose": e.purpose, "action": e.action, "recorded_at": _iso(e.recorded_at)}
            for e in visitor.consent_events.order_by("recorded_at", "pk")
        ],
        "sessions": [
            {
                "date": _iso(s.date),
                "centre": s.centre.name,
                "mode": s.mode,
                "duration_minutes": s.duration_minutes,
                "topics": [topic.code for topic in s.topics.all()],
                "destinations": [str(country) for country in s.destinations],
                "services": s.services,
                "notes": s.notes if s.notes_visible_to(user) else None,
                "follow_up_date": _iso(s.follow_up_date),
            }
            for s in sessions
        ],
        "notes_held_elsewhere": held_elsewhere,
        "group_attendance": [
            {
                "date": _iso(a.group_session.date),
                "type": a.group_session.type,
                "centre": a.group_session.centre.name,
                "place": a.group_session.place,
            }
            for a in attendances
        ],
        "referrals": [
            {
                "centre": r.centre.name,
                "partner": r.partner.name,
                "service": r.service,
                "status": r.status,
                "sent_on": _iso(r.sent_on),
                "outcome": r.outcome,
                "events": [
                    {"status": e.status, "date": _iso(e.date), "note": e.note}
                    for e in r.events.all()
                ],
            }
            for r in referrals
        ],
        "accesses": [
            {"at": _iso(e.at), "action": e.action, "by": e.user.full_name, "detail": e.detail}
            for e in visitor.audit_events.select_related("user").order_by("at", "pk")
        ],
    }


def session_import_list(*, user):
    """Legacy imports of the user's centres, newest first."""
    return (
        SessionImport.objects.filter(centre__in=Centre.objects.staffed_by(user))
        .select_related("centre", "user")
        .order_by("-created_at", "-pk")
    )


USUAL_DESTINATIONS_KEY = "counselling:usual-destinations"
USUAL_DESTINATIONS_TTL = 60 * 60  # an hour: the network's habits change slowly


def usual_destination_codes(limit: int = 8) -> list[str]:
    """The countries the network's sessions most often discuss as destinations, most first;
    counted by the database over every centre's sessions (codes only, no personal data) and
    cached for an hour."""
    codes_ = cache.get(USUAL_DESTINATIONS_KEY)
    if codes_ is None:
        table = connection.ops.quote_name(Session._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT code FROM {table}, unnest(string_to_array(destinations, ',')) AS code "
                "WHERE destinations <> '' AND deleted_at IS NULL "
                "GROUP BY code ORDER BY count(*) DESC, code LIMIT %s",
                [limit],
            )
            codes_ = [row[0] for row in cursor.fetchall()]
        cache.set(USUAL_DESTINATIONS_KEY, codes_, USUAL_DESTINATIONS_TTL)
    return codes_


def destination_choices() -> list:
    """Every country, the network's usual destinations first in their own group."""
    from django.utils.translation import gettext as _
    from django_countries import countries

    usual = usual_destination_codes()
    if not usual:
        return list(countries)
    names = dict(countries)
    return [
        (_("Usual destinations"), [(code, names[code]) for code in usual if code in names]),
        (_("All countries"), [(code, name) for code, name in countries if code not in usual]),
    ]
