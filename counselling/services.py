"""Writes of the counselling desk. Each is atomic, validates with full_clean() and audits."""

import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.timezone import localdate, now
from django.utils.translation import gettext_lazy

from accounts.models import CENTRE_ROLES
from accounts.permissions import Permission
from centres.models import Centre

from . import codes, selectors
from .models import (
    IDENTIFYING_FIELDS,
    PRESENCE_GRANT_LENGTH,
    AuditEvent,
    CentreSequence,
    ConsentEvent,
    ConsentPurpose,
    GroupAttendance,
    GroupCount,
    GroupSession,
    PresenceGrant,
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
PROOF_REFUSED = gettext_lazy(
    "What the visitor told does not match their record. Ask for the PIN on their card, or "
    "their given name and year of birth."
)
TOO_MANY_PROOFS = gettext_lazy(
    "Too many proofs of presence did not match: try again later, or ask the visitor's centre."
)
TOO_MANY_LOOKUPS = gettext_lazy(
    "Too many look-ups of other centres' visitor codes: try again in an hour."
)

# Proofs of presence that did not match, per user, before the user must wait (per window).
PRESENCE_ATTEMPTS = 5
PRESENCE_WINDOW = timedelta(hours=1)
# Look-ups of other centres' codes per user and hour: enough for a busy desk, too few to
# try codes one after another.
CODE_LOOKUPS_PER_HOUR = 30
PIN_DIGITS = 6


class TooManyAttempts(PermissionDenied):
    """The user tried too often; pages answer 429."""


CONSENT_FIELDS = {
    ConsentPurpose.SERVICE: "consent_service",
    ConsentPurpose.RESEARCH: "consent_research",
    ConsentPurpose.CONTACT: "consent_contact",
}


def audit_record(
    *,
    user,
    action: str,
    visitor: Visitor | None = None,
    centre=None,
    count: int | None = None,
    detail: str = "",
) -> None:
    """One append-only audit row. `centre` defaults to the visitor's: its manager finds the row.
    `detail` never carries the values read or typed (a search records its number of results)."""
    if centre is None and visitor is not None:
        centre = visitor.centre_id
    AuditEvent.objects.create(
        visitor=visitor,
        centre_id=getattr(centre, "pk", centre),
        user=user,
        action=action,
        count=count,
        detail=detail[:300],
    )


def _check_centre(user, centre: Centre) -> None:
    if not Centre.objects.staffed_by(user).filter(pk=centre.pk).exists():
        raise PermissionDenied(str(NOT_YOUR_CENTRE))


def visitor_code_allocate(*, centre: Centre) -> str:
    """A free code of a centre with a random number, so that codes cannot be enumerated.

    The centre's counter row is locked until the transaction ends, so two counsellors
    registering at once never draw the same free code; it still counts the codes given."""
    with transaction.atomic():
        CentreSequence.objects.get_or_create(centre=centre)
        sequence = CentreSequence.objects.select_for_update().get(centre=centre)
        while True:
            code = codes.random_code(str(centre.country), centre.code)
            if not Visitor.objects.filter(code=code).exists():
                break
        sequence.last_number += 1
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
def visitor_register(
    *, user, centre: Centre, consents: dict[str, bool], card: bool = True, **fields
) -> Visitor:
    """Registers a visitor at one of the user's centres. Without service consent the name and
    contact details are dropped: the visitor is kept as an anonymous, countable profile.
    card=False (legacy imports): no card is printed, so no PIN is made (its slow hash made a
    100,000-row import take hours); the visitor gets a card at their next visit."""
    _check_centre(user, centre)
    if not consents.get(ConsentPurpose.SERVICE):
        for field in IDENTIFYING_FIELDS:
            fields[field] = ""
    visitor = Visitor(centre=centre, created_by=user, **fields)
    for purpose, field in CONSENT_FIELDS.items():
        setattr(visitor, field, bool(consents.get(purpose)))
    visitor.full_clean(exclude=["code"])
    visitor.code = visitor_code_allocate(centre=centre)
    if card:  # printed on the card and shown once: only its hash is kept
        visitor.card_pin = f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"
        visitor.pin_hash = make_password(visitor.card_pin)
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

    Only centre staff may use it; only a complete, valid code is looked up (no browsing), and
    at most CODE_LOOKUPS_PER_HOUR codes outside the user's own scope (TooManyAttempts).
    Finding a code opens nothing: the visitor's proof of presence does (presence_confirm)."""
    code = codes.normalise(raw_code)
    own = Visitor.objects.visible_to(user).filter(code=code).select_related("centre").first()
    if own is not None or not user.can(Permission.COUNSEL_VISITORS):
        return own
    if user.role not in CENTRE_ROLES or not codes.is_valid(code):
        return None
    key = f"counselling:code-lookups:{user.pk}"
    cache.add(key, 0, timeout=60 * 60)
    if cache.incr(key) > CODE_LOOKUPS_PER_HOUR:
        raise TooManyAttempts(str(TOO_MANY_LOOKUPS))
    return Visitor.objects.active().filter(code=code).select_related("centre").first()


def presence_attempts_left(*, user) -> int:
    """Failed proofs are counted from the audit trail, where each one is written."""
    failed = AuditEvent.objects.filter(
        user=user, action=AuditEvent.Action.NO_PROOF, at__gte=now() - PRESENCE_WINDOW
    ).count()
    return max(PRESENCE_ATTEMPTS - failed, 0)


def presence_confirm(
    *,
    user,
    visitor: Visitor,
    centre: Centre,
    reason: str,
    pin="",
    given_name="",
    year_of_birth=None,
) -> PresenceGrant:
    """Takes the visitor's proof of presence at another centre and opens the visitor to this
    user for one visit (PRESENCE_GRANT_LENGTH). Every attempt is audited on the visitor, with
    the centre and the reason, so the registering centre's manager sees it; after
    PRESENCE_ATTEMPTS failures in PRESENCE_WINDOW the user must wait (TooManyAttempts)."""
    _check_centre(user, centre)
    if presence_attempts_left(user=user) <= 0:
        raise TooManyAttempts(str(TOO_MANY_PROOFS))
    detail = f"{centre.name}: {reason}"
    if not visitor.proves_presence(pin=pin, given_name=given_name, year_of_birth=year_of_birth):
        audit_record(visitor=visitor, user=user, action=AuditEvent.Action.NO_PROOF, detail=detail)
        raise ValidationError(PROOF_REFUSED)
    with transaction.atomic():
        grant = PresenceGrant.objects.create(
            visitor=visitor,
            user=user,
            centre=centre,
            reason=reason,
            expires_at=now() + PRESENCE_GRANT_LENGTH,
        )
        audit_record(visitor=visitor, user=user, action=AuditEvent.Action.PRESENCE, detail=detail)
    return grant


@transaction.atomic
def session_log(*, user, visitor: Visitor, centre: Centre, topics, **fields) -> Session:
    """Logs an individual session for a visitor of the user's scope, or of another centre
    during a visit whose presence the user has proved (it opens nothing more)."""
    _check_centre(user, centre)
    if not Visitor.objects.open_for_session(user).filter(pk=visitor.pk).exists():
        raise PermissionDenied(str(NOT_YOUR_CENTRE))
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
        AuditEvent(visitor=visitor, centre_id=visitor.centre_id, user=user, action=action)
        for visitor in visitors
    )


# --- Retention and people's rights (SECURITY.md) ----------------------------------------------

# What anonymisation removes from the visitor row: names, contacts, the municipality and the
# card's PIN. The statistical profile (sex, birth year and month, education, status,
# destinations...) stays, so reports for past periods do not change.
ANONYMISED_VALUES = {
    "given_name": "",
    "family_name": "",
    "phone": "",
    "email": "",
    "municipality": "",
    "pin_hash": "",
}
RETENTION_BATCH = 500


def _visitors_anonymise(*, ids: list[int], when) -> int:
    """Removes names, contacts and free text of these visitors; keeps what reports count."""
    Session.objects.filter(visitor__in=ids).exclude(notes="").update(notes="")
    Referral.objects.filter(visitor__in=ids).exclude(outcome="").update(outcome="")
    ReferralEvent.objects.filter(referral__visitor__in=ids).exclude(note="").update(note="")
    Visitor.objects.filter(pk__in=ids).update(**ANONYMISED_VALUES)
    return Visitor.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(anonymised_at=when)


def visitors_anonymise_inactive(*, today=None) -> int:
    """The nightly retention run: anonymises every visitor inactive for longer than their
    country's period (see selectors.visitors_due_for_retention). Safe to run twice: a visitor
    once anonymised is no longer due. Works in batches, each in its own transaction."""
    today = today or localdate()
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                selectors.visitors_due_for_retention(today=today)
                .select_for_update(skip_locked=True, of=("self",))
                .values_list("pk", flat=True)[:RETENTION_BATCH]
            )
            if not ids:
                return done
            done += _visitors_anonymise(ids=ids, when=now())


@transaction.atomic
def visitor_erase(*, visitor: Visitor, user, reason: str) -> Visitor:
    """Article 17: anonymises the visitor now, at their request; statistics stay."""
    if not user.can(Permission.MANAGE_CENTRE):
        raise PermissionDenied
    _visitors_anonymise(ids=[visitor.pk], when=now())
    audit_record(visitor=visitor, user=user, action=AuditEvent.Action.ERASED, detail=reason)
    visitor.refresh_from_db()
    return visitor


def visitor_export(*, visitor: Visitor, user) -> dict:
    """Article 15/20: everything held about the visitor, written to their audit trail."""
    if not user.can(Permission.MANAGE_CENTRE):
        raise PermissionDenied
    audit_record(
        visitor=visitor, user=user, action=AuditEvent.Action.EXPORTED, detail="Article 15/20"
    )
    return selectors.visitor_data(visitor=visitor)
