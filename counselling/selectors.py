"""Reads of the counselling desk: lists, the visitor's timeline, the counsellor's day."""

from django.db.models import Max, Q
from django.utils.timezone import localdate

from centres.models import Centre

from . import codes
from .models import (
    AuditEvent,
    ConsentEvent,
    GroupSession,
    Referral,
    ReferralEvent,
    Session,
    Visitor,
)

SEARCH_LIMIT = 20


def visitor_list(*, user, centre: Centre | None = None):
    visitors = Visitor.objects.visible_to(user).select_related("centre")
    if centre is not None:
        visitors = visitors.filter(centre=centre)
    return visitors.annotate(last_session=Max("sessions__date")).order_by("-created_at")


def visitor_search(*, user, query: str) -> list[Visitor]:
    """One box: a code (even of another centre, when complete), a phone number, or a name."""
    from .services import visitor_find_by_code

    query = query.strip()
    code = codes.normalise(query)
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
    return list(visitors.filter(match).order_by("family_name", "given_name")[:SEARCH_LIMIT])


def visitor_timeline(*, visitor: Visitor, user) -> list[dict]:
    """Sessions, group attendances, referrals and consent events, newest first."""
    sessions = (
        visitor.sessions.select_related("centre", "counsellor")
        .prefetch_related("topics")
        .order_by("-date", "-pk")
    )
    groups = visitor.group_sessions.select_related("centre").order_by("-date")
    referrals = visitor.referrals.select_related("partner", "centre").prefetch_related("events")
    consents = ConsentEvent.objects.filter(visitor=visitor).select_related("recorded_by")
    items = [
        {
            "kind": "session",
            "date": s.date,
            "object": s,
            "show_notes": s.notes_visible_to(user),
        }
        for s in sessions
    ]
    items += [{"kind": "group", "date": g.date, "object": g} for g in groups]
    items += [{"kind": "referral", "date": r.sent_on, "object": r} for r in referrals]
    items += [{"kind": "consent", "date": c.recorded_at.date(), "object": c} for c in consents]
    return sorted(items, key=lambda item: item["date"], reverse=True)


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


def counsellor_home(user) -> dict:
    today = localdate()
    follow_ups = list(follow_ups_due(user=user)[:20])
    return {
        "today": today,
        "follow_ups": follow_ups,
        "follow_ups_today": [s for s in follow_ups if s.follow_up_date == today],
        "follow_ups_overdue": [s for s in follow_ups if s.follow_up_date < today],
        "open_referrals": list(referral_list(user=user)[:10]),
        "last_sessions": list(
            Session.objects.visible_to(user)
            .filter(counsellor=user)
            .select_related("visitor", "centre")
            .order_by("-created_at")[:10]
        ),
    }


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
