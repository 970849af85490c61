"""Writes of the counselling desk. Each is atomic, validates with full_clean() and audits."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy

from accounts.models import CENTRE_ROLES
from accounts.permissions import Permission
from centres.models import Centre

from . import codes
from .models import (
    IDENTIFYING_FIELDS,
    AuditEvent,
    CentreSequence,
    ConsentEvent,
    ConsentPurpose,
    GroupAttendance,
    GroupCount,
    GroupSession,
    Referral,
    ReferralEvent,
    Session,
    Visitor,
)

NOT_YOUR_CENTRE = gettext_lazy("You can only record work for a centre you work at.")
ATTENDANCE_OVER_TOTAL = gettext_lazy(
    "The attendance list is longer than the total number of participants."
)
COUNTS_OVER_TOTAL = gettext_lazy(
    "Registered attendees and counted people together exceed the total."
)
NEGATIVE_COUNT = gettext_lazy("Counts cannot be negative.")
BAD_TRANSITION = gettext_lazy("A referral in status %(old)s cannot move to %(new)s.")
MERGE_SAME = gettext_lazy("Choose two different visitors to merge.")

CONSENT_FIELDS = {
    ConsentPurpose.SERVICE: "consent_service",
    ConsentPurpose.RESEARCH: "consent_research",
    ConsentPurpose.CONTACT: "consent_contact",
}


def audit_record(*, visitor: Visitor, user, action: str, detail: str = "") -> None:
    AuditEvent.objects.create(visitor=visitor, user=user, action=action, detail=detail[:300])


def _check_centre(user, centre: Centre) -> None:
    if not Centre.objects.staffed_by(user).filter(pk=centre.pk).exists():
        raise PermissionDenied(str(NOT_YOUR_CENTRE))


def visitor_code_allocate(*, centre: Centre) -> str:
    """The next free code of a centre. The counter row is locked until the transaction ends,
    so two counsellors registering at once never get the same number."""
    with transaction.atomic():
        CentreSequence.objects.get_or_create(centre=centre)
        sequence = CentreSequence.objects.select_for_update().get(centre=centre)
        code = None
        while code is None:
            sequence.last_number += 1
            code = codes.format_code(str(centre.country), centre.code, sequence.last_number)
        sequence.save(update_fields=["last_number"])
    return code


def visitor_duplicates(*, user, given_name="", family_name="", year_of_birth=None, phone=""):
    """Visitors the user may see with the same name and year of birth, or the same phone."""
    match = Q(pk__in=[])
    if given_name and family_name and year_of_birth:
        match |= Q(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            year_of_birth=year_of_birth,
        )
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) >= 6:
        match |= Q(phone__endswith=digits[-8:])
    return Visitor.objects.visible_to(user).filter(match).select_related("centre")


@transaction.atomic
def visitor_register(*, user, centre: Centre, consents: dict[str, bool], **fields) -> Visitor:
    """Registers a visitor at one of the user's centres. Without service consent the name and
    contact details are dropped: the visitor is kept as an anonymous, countable profile."""
    _check_centre(user, centre)
    if not consents.get(ConsentPurpose.SERVICE):
        for field in IDENTIFYING_FIELDS:
            fields[field] = ""
    visitor = Visitor(centre=centre, created_by=user, **fields)
    for purpose, field in CONSENT_FIELDS.items():
        setattr(visitor, field, bool(consents.get(purpose)))
    visitor.full_clean(exclude=["code"])
    visitor.code = visitor_code_allocate(centre=centre)
    visitor.save()
    ConsentEvent.objects.bulk_create(
        ConsentEvent(
            visitor=visitor, purpose=purpose, action=ConsentEvent.Action.GIVEN, recorded_by=user
        )
        for purpose in CONSENT_FIELDS
        if consents.get(purpose)
    )
    audit_record(visitor=visitor, user=user, action=AuditEvent.Action.CREATED)
    return visitor


@transaction.atomic
def visitor_update(*, visitor: Visitor, user, **fields) -> Visitor:
    changed = [name for name, value in fields.items() if getattr(visitor, name) != value]
    for name, value in fields.items():
        setattr(visitor, name, value)
    visitor.full_clean()
    visitor.save()
    if changed:
        audit_record(
            visitor=visitor, user=user, action=AuditEvent.Action.CHANGED, detail=", ".join(changed)
        )
    return visitor


@transaction.atomic
def consent_record(*, visitor: Visitor, user, purpose: str, given: bool) -> Visitor:
    """Gives or withdraws one purpose. Withdrawing service consent erases name and contacts."""
    field = CONSENT_FIELDS[ConsentPurpose(purpose)]
    if getattr(visitor, field) == given:
        return visitor
    setattr(visitor, field, given)
    if purpose == ConsentPurpose.SERVICE and not given:
        for name in IDENTIFYING_FIELDS:
            setattr(visitor, name, "")
    visitor.full_clean()
    visitor.save()
    action = ConsentEvent.Action.GIVEN if given else ConsentEvent.Action.WITHDRAWN
    ConsentEvent.objects.create(visitor=visitor, purpose=purpose, action=action, recorded_by=user)
    audit_record(
        visitor=visitor, user=user, action=AuditEvent.Action.CONSENT, detail=f"{purpose} {action}"
    )
    return visitor


def visitor_find_by_code(*, user, raw_code: str) -> Visitor | None:
    """Exact-code lookup across the network, for a visitor present at the user's centre.

    Only centre staff may use it; only a complete, valid code is looked up (no browsing)."""
    if not user.can(Permission.COUNSEL_VISITORS) or user.role not in CENTRE_ROLES:
        return Visitor.objects.visible_to(user).filter(code=codes.normalise(raw_code)).first()
    code = codes.normalise(raw_code)
    if not codes.is_valid(code):
        return None
    return Visitor.objects.active().filter(code=code).select_related("centre").first()


@transaction.atomic
def session_log(*, user, visitor: Visitor, centre: Centre, topics, **fields) -> Session:
    """Logs an individual session. Logging at one's own centre gives that centre access."""
    _check_centre(user, centre)
    session = Session(visitor=visitor, centre=centre, counsellor=user, **fields)
    session.full_clean()
    session.save()
    session.topics.set(topics)
    return session


@transaction.atomic
def session_follow_up_done(*, session: Session, user) -> Session:
    session.follow_up_done = True
    session.save(update_fields=["follow_up_done"])
    return session


def group_session_validate(*, total: int, attendees: int, counts: dict) -> None:
    errors = []
    if any(value is None or value < 0 for value in counts.values()):
        errors.append(NEGATIVE_COUNT)
    if attendees > total:
        errors.append(ATTENDANCE_OVER_TOTAL)
    elif attendees + sum(v for v in counts.values() if v and v > 0) > total:
        errors.append(COUNTS_OVER_TOTAL)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_session_log(
    *, user, centre: Centre, topics, facilitators, attendees, counts: dict, **fields
) -> GroupSession:
    """Logs a group session. `counts` maps (sex, age band) to the number of people not
    registered; registered attendees plus counts may not exceed the total."""
    _check_centre(user, centre)
    attendees = list(attendees)
    group = GroupSession(centre=centre, created_by=user, **fields)
    group.full_clean()
    group_session_validate(total=group.total_participants, attendees=len(attendees), counts=counts)
    group.save()
    group.topics.set(topics)
    group.facilitators.set(facilitators)
    GroupAttendance.objects.bulk_create(
        GroupAttendance(group_session=group, visitor=visitor) for visitor in attendees
    )
    GroupCount.objects.bulk_create(
        GroupCount(group_session=group, sex=sex, age_band=band, count=value)
        for (sex, band), value in counts.items()
        if value
    )
    return group


@transaction.atomic
def referral_create(*, user, visitor: Visitor, centre: Centre, **fields) -> Referral:
    _check_centre(user, centre)
    referral = Referral(visitor=visitor, centre=centre, created_by=user, **fields)
    referral.status_changed_on = referral.sent_on
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral, status=referral.status, date=referral.sent_on, recorded_by=user
    )
    return referral


@transaction.atomic
def referral_transition(
    *, referral: Referral, user, status: str, on=None, note: str = ""
) -> Referral:
    if status not in referral.TRANSITIONS.get(referral.status, ()):
        raise ValidationError(
            BAD_TRANSITION
            % {
                "old": referral.get_status_display(),
                "new": Referral.Status(status).label if status in Referral.Status else status,
            }
        )
    referral.status = status
    referral.status_changed_on = on or localdate()
    if note:
        referral.outcome = note
    referral.full_clean()
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        status=status,
        date=referral.status_changed_on,
        note=note,
        recorded_by=user,
    )
    return referral


@transaction.atomic
def visitor_merge(*, user, keep: Visitor, remove: Visitor) -> Visitor:
    """Moves everything of `remove` to `keep` and marks `remove` as merged (for managers)."""
    if keep.pk == remove.pk:
        raise ValidationError(MERGE_SAME)
    if not user.can(Permission.MANAGE_CENTRE):
        raise PermissionDenied
    Session.objects.filter(visitor=remove).update(visitor=keep)
    Referral.objects.filter(visitor=remove).update(visitor=keep)
    ConsentEvent.objects.filter(visitor=remove).update(visitor=keep)
    already = GroupAttendance.objects.filter(visitor=keep).values("group_session")
    GroupAttendance.objects.filter(visitor=remove, group_session__in=already).delete()
    GroupAttendance.objects.filter(visitor=remove).update(visitor=keep)
    remove.merged_into = keep
    remove.save(update_fields=["merged_into"])
    audit_record(visitor=keep, user=user, action=AuditEvent.Action.MERGED, detail=remove.code)
    audit_record(visitor=remove, user=user, action=AuditEvent.Action.MERGED, detail=keep.code)
    return keep


def visitors_viewed(*, visitors: QuerySet | list, user, action=AuditEvent.Action.VIEWED) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(visitor=visitor, user=user, action=action) for visitor in visitors
    )
