"""Writes of the counselling desk. Each is atomic, validates with full_clean() and audits."""

import secrets
from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.timezone import localdate, now
from django.utils.translation import gettext_lazy

from accounts.models import CENTRE_ROLES
from accounts.permissions import Permission
from centres.models import Centre

from . import codes, duplicates, selectors
from .models import (
    IDENTIFYING_FIELDS,
    MERGE_UNDO_WINDOW,
    PRESENCE_GRANT_LENGTH,
    AuditEvent,
    ConsentEvent,
    ConsentPurpose,
    DistinctPeople,
    GroupAttendance,
    GroupCount,
    GroupSession,
    PresenceGrant,
    Referral,
    ReferralEvent,
    Session,
    TrainingInterest,
    Visitor,
    VisitorCentre,
    VisitorMerge,
    _scope_filter,
)
from .summary import summary_deferred, summary_refreshed_once

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
ALREADY_MERGED = gettext_lazy("Visitor %(code)s is already merged into %(kept)s.")
MERGE_INTO_MERGED = gettext_lazy(
    "Visitor %(code)s was merged into %(kept)s: merge into %(kept)s instead."
)
MERGE_FINAL = gettext_lazy("This merge is final: it can be undone only within 30 days.")
MERGE_UNDO_LATER_FIRST = gettext_lazy(
    "The kept record has since been merged into %(kept)s: undo that merge first."
)
PROOF_REFUSED = gettext_lazy(
    "What the visitor told does not match their record. Ask for the PIN on their card, or "
    "their given name and year of birth."
)
TOO_MANY_PROOFS = gettext_lazy(
    "Too many proofs of presence did not match: try again later, or ask the visitor's centre."
)
EDIT_WINDOW_PASSED = gettext_lazy(
    "Counsellors may correct a record for %(days)s days after logging it: ask a manager."
)
REASON_REQUIRED = gettext_lazy("Give the reason for deleting.")
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
    if not Centre.objects.is_staffed_by(centre, user):
        raise PermissionDenied(str(NOT_YOUR_CENTRE))


def visitor_code_allocate(*, centre: Centre) -> str:
    """A free code of a centre with a random number, so that codes cannot be enumerated.

    Takes no lock: a registration never waits for another transaction (an import of
    thousands of rows holds its transaction open for minutes). Two transactions drawing the
    same number (1 in 10^8) are told apart by the unique constraint on the code:
    visitor_save_with_code() draws again. The codes a centre gave are counted from the
    visitors, gaps included."""
    while True:
        code = codes.random_code(str(centre.country), centre.code)
        if not Visitor.objects.filter(code=code).exists():
            return code


# Draws of a new code before a registration gives up (each clash is 1 in 10^8).
CODE_ATTEMPTS = 5


def visitor_save_with_code(visitor: Visitor) -> Visitor:
    """Saves a new visitor under a freshly drawn code, drawing again if a concurrent
    transaction took the same code (the insert runs in a savepoint, so the surrounding
    transaction goes on)."""
    attempts = 0
    while True:
        attempts += 1
        visitor.code = visitor_code_allocate(centre=visitor.centre)
        try:
            with transaction.atomic():
                visitor.save(force_insert=True)
            return visitor
        except IntegrityError as error:
            constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
            if "code" not in (constraint or "") or attempts >= CODE_ATTEMPTS:
                raise


def visitors_save_with_codes(visitors: list[Visitor], *, batch_size: int = 2000) -> list[Visitor]:
    """Saves many new visitors (bulk inserts), each under a freshly drawn code: the bulk form of
    visitor_save_with_code() for imports. Takes no lock either: the codes of a batch are drawn
    distinct, those already given are drawn again, and if a concurrent transaction took one
    in between, the batch's insert (in a savepoint) is undone and the batch drawn again."""
    for start in range(0, len(visitors), batch_size):
        batch = visitors[start : start + batch_size]
        attempts = 0
        while True:
            attempts += 1
            _codes_draw(batch)
            try:
                with transaction.atomic():
                    Visitor.objects.bulk_create(batch)
                break
            except IntegrityError as error:
                constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
                if "code" not in (constraint or "") or attempts >= CODE_ATTEMPTS:
                    raise
                for visitor in batch:
                    visitor.pk = None
    return visitors


def _codes_draw(visitors: list[Visitor]) -> None:
    """Gives each visitor a random code of its centre, distinct within the list and from the
    codes already given (one look-up per round; a clash, 1 in 10^8, is drawn again)."""
    pending = list(visitors)
    taken: set[str] = set()
    while pending:
        for visitor in pending:
            code = codes.random_code(str(visitor.centre.country), visitor.centre.code)
            while code in taken:
                code = codes.random_code(str(visitor.centre.country), visitor.centre.code)
            visitor.code = code
            taken.add(code)
        given = set(
            Visitor.objects.filter(code__in=[v.code for v in pending]).values_list(
                "code", flat=True
            )
        )
        pending = [visitor for visitor in pending if visitor.code in given]


def visitor_duplicates(
    *, user, given_name="", family_name="", year_of_birth=None, phone="", id_number=""
):
    """Visitors the user may see who are probably this person (counselling.duplicates: case,
    diacritics and small spelling differences ignored; phone; ID number)."""
    matches = duplicates.probable_matches(
        given_name=given_name,
        family_name=family_name,
        year_of_birth=year_of_birth,
        phone=phone,
        id_number=id_number,
    )
    return (
        Visitor.objects.visible_to(user)
        .filter(pk__in=matches.values("pk"))
        .select_related("centre")
    )


def _check_merge(user, *visitors) -> None:
    """Managers merge within their scope (centres; a coordinator: the country); with
    REVIEW_DUPLICATES, within their review scope too (the programme: the network)."""
    rules = [_scope_filter(user, "centre")] if user.can(Permission.MANAGE_CENTRE) else []
    if user.can(Permission.REVIEW_DUPLICATES):
        rules.append(duplicates.review_filter(user))
    rules = [rule for rule in rules if rule is not None]
    if not rules:
        raise PermissionDenied
    pks = {visitor.pk for visitor in visitors}
    if Visitor.objects.filter(reduce(or_, rules), pk__in=pks).count() != len(pks):
        raise PermissionDenied(str(NOT_YOUR_CENTRE))


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
    if card:  # printed on the card and shown once: only its hash is kept
        visitor.card_pin = f"{secrets.randbelow(10**PIN_DIGITS):0{PIN_DIGITS}d}"
        visitor.pin_hash = make_password(visitor.card_pin)
    visitor_save_with_code(visitor)
    VisitorCentre.refresh([visitor.pk])
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
    # Only what changed: a concurrent merge or consent change of other fields stays.
    visitor.save(update_fields=[*fields, "updated_at"])
    if "centre" in changed:
        VisitorCentre.refresh([visitor.pk])
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
    merged = Visitor.objects.filter(code=code, merged_into__isnull=False).first()
    if merged is not None:  # an old card: the record it was merged into answers
        code = merged.kept_record().code
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
    # The visitor, centre and counsellor were just read (and checked above): not read again.
    session.full_clean(exclude=["visitor", "centre", "counsellor"])
    with summary_refreshed_once(session):
        session.save()
        session.topics.set(topics)
    VisitorCentre.link_served(visitor_id=visitor.pk, centre_id=centre.pk)
    return session


# Sessions built and inserted at a time by an import.
IMPORT_BATCH = 2000


@transaction.atomic
def sessions_import_save(
    *, user, centre: Centre, new_visitors: dict[str, dict], planned: list, session_import
) -> tuple[dict[str, Visitor], list[int]]:
    """Saves a checked legacy import in bulk: what visitor_register(card=False) and session_log
    do row by row (consent events, audit entries, the visitor ↔ centre links), in a handful of
    queries per thousand rows. `new_visitors` maps a legacy_ref to its profile (with its
    `consents`); `planned` lists (visitor or legacy_ref, session values, row fingerprint). The
    rows were validated by counselling.importer; the database's constraints stay the last word.
    Returns the new visitors by legacy_ref and the new sessions' ids."""
    _check_centre(user, centre)
    existing = {target.pk for target, _values, _row in planned if not isinstance(target, str)}
    if existing:
        open_ids = set(
            Visitor.objects.open_for_session(user)
            .filter(pk__in=existing)
            .values_list("pk", flat=True)
        )
        if existing - open_ids:
            raise PermissionDenied(str(NOT_YOUR_CENTRE))
    created = {}
    for ref, profile in new_visitors.items():
        fields = {name: value for name, value in profile.items() if name != "consents"}
        consents = profile["consents"]
        if not consents.get(ConsentPurpose.SERVICE):
            for name in IDENTIFYING_FIELDS:
                fields[name] = ""
        visitor = Visitor(
            centre=centre,
            created_by=user,
            legacy_ref=ref,
            session_import=session_import,
            **fields,
        )
        for purpose, field in CONSENT_FIELDS.items():
            setattr(visitor, field, bool(consents.get(purpose)))
        created[ref] = visitor
    visitors_save_with_codes(list(created.values()))
    ConsentEvent.objects.bulk_create(
        (
            ConsentEvent(
                visitor=visitor,
                purpose=purpose,
                action=ConsentEvent.Action.GIVEN,
                recorded_by=user,
            )
            for ref, visitor in created.items()
            for purpose in CONSENT_FIELDS
            if new_visitors[ref]["consents"].get(purpose)
        ),
        batch_size=2000,
    )
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(visitor=visitor, centre=centre, user=user, action=AuditEvent.Action.CREATED)
            for visitor in created.values()
        ),
        batch_size=2000,
    )
    # The statistics summary once for the whole file, not by its triggers row by row.
    with summary_deferred() as summarised:
        session_ids, served = _sessions_import_insert(centre, created, planned, session_import)
        summarised.update(served)
    VisitorCentre.refresh(served | existing)
    return created, session_ids


def _sessions_import_insert(centre, created, planned, session_import) -> tuple[list, set]:
    """The import's sessions and their topics, batch by batch: a 100,000-row import never
    holds all its sessions. Returns their ids and their visitors' ids."""
    session_ids, served = [], set()
    link = Session.topics.through
    for start in range(0, len(planned), IMPORT_BATCH):
        sessions, topics = [], []
        for target, values, fingerprint in planned[start : start + IMPORT_BATCH]:
            fields = {name: value for name, value in values.items() if name != "topics"}
            sessions.append(
                Session(
                    visitor=created[target] if isinstance(target, str) else target,
                    centre=centre,
                    source=Session.Source.IMPORT,
                    legacy_row=fingerprint,
                    session_import=session_import,
                    **fields,
                )
            )
            topics.append(values["topics"])
        Session.objects.bulk_create(sessions)
        link.objects.bulk_create(
            link(session_id=session.pk, topic_id=topic.pk)
            for session, chosen in zip(sessions, topics, strict=True)
            for topic in chosen
        )
        session_ids += [session.pk for session in sessions]
        served.update(session.visitor_id for session in sessions)
    return session_ids, served


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
    VisitorCentre.refresh(visitor.pk for visitor in attendees)
    GroupCount.objects.bulk_create(
        GroupCount(group_session=group, sex=sex, age_band=band, count=value)
        for (sex, band), value in counts.items()
        if value
    )
    return group


@transaction.atomic
def referral_create(*, user, visitor: Visitor, centre: Centre, **fields) -> Referral:
    _check_centre(user, centre)
    if not Visitor.objects.visible_to(user).filter(pk=visitor.pk).exists():
        raise PermissionDenied(str(NOT_YOUR_CENTRE))
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


def _visitors_lock(*pks) -> dict[int, Visitor]:
    """Locks the visitors' rows in primary-key order, so that two merges of the same records
    (in either direction) wait for each other instead of deadlocking or both succeeding."""
    rows = Visitor.objects.select_for_update().filter(pk__in=pks).order_by("pk")
    return {visitor.pk: visitor for visitor in rows}


@transaction.atomic
def visitor_merge(*, user, keep: Visitor, remove: Visitor) -> Visitor:
    """Moves everything of `remove` to `keep` and marks `remove` as merged (for managers).

    Safe under concurrency: both rows are locked in one order and re-read, so of two opposite
    merges at once the second is refused; a merge into a merged record is refused (no chain,
    no cycle); records merged into `remove` before now point at `keep`; the same merge twice
    does nothing the second time (one audit entry). What moved is kept in a VisitorMerge row
    so that the merge can be undone for MERGE_UNDO_WINDOW (visitor_merge_undo)."""
    if keep.pk == remove.pk:
        raise ValidationError(MERGE_SAME)
    _check_merge(user, keep, remove)
    locked = _visitors_lock(keep.pk, remove.pk)
    keep, remove = locked[keep.pk], locked[remove.pk]
    if remove.merged_into_id == keep.pk:
        return keep  # done already, maybe by a colleague a moment ago
    if remove.merged_into_id is not None:
        raise ValidationError(
            ALREADY_MERGED % {"code": remove.code, "kept": remove.kept_record().code}
        )
    if keep.merged_into_id is not None:
        raise ValidationError(
            MERGE_INTO_MERGED % {"code": keep.code, "kept": keep.kept_record().code}
        )
    moved = {
        "sessions": list(Session.objects.filter(visitor=remove).values_list("pk", flat=True)),
        "referrals": list(Referral.objects.filter(visitor=remove).values_list("pk", flat=True)),
        "consent_events": list(
            ConsentEvent.objects.filter(visitor=remove).values_list("pk", flat=True)
        ),
        "repointed": list(Visitor.objects.filter(merged_into=remove).values_list("pk", flat=True)),
    }
    Session.objects.filter(pk__in=moved["sessions"]).update(visitor=keep)
    Referral.objects.filter(pk__in=moved["referrals"]).update(visitor=keep)
    ConsentEvent.objects.filter(pk__in=moved["consent_events"]).update(visitor=keep)
    already = GroupAttendance.objects.filter(visitor=keep).values("group_session")
    twice = GroupAttendance.objects.filter(visitor=remove, group_session__in=already)
    moved["attendances_dropped"] = list(twice.values_list("group_session_id", flat=True))
    twice.delete()
    attendances = GroupAttendance.objects.filter(visitor=remove)
    moved["attendances"] = list(attendances.values_list("pk", flat=True))
    attendances.update(visitor=keep)
    Visitor.objects.filter(pk__in=moved["repointed"]).update(merged_into=keep)
    remove.merged_into = keep
    remove.save(update_fields=["merged_into"])
    VisitorCentre.refresh([keep.pk, remove.pk])
    VisitorMerge.objects.filter(removed_id__in=moved["repointed"], undone_at__isnull=True).update(
        kept=keep
    )
    VisitorMerge.objects.create(kept=keep, removed=remove, merged_by=user, moved=moved)
    audit_record(visitor=keep, user=user, action=AuditEvent.Action.MERGED, detail=remove.code)
    audit_record(visitor=remove, user=user, action=AuditEvent.Action.MERGED, detail=keep.code)
    return keep


# --- Corrections ----------------------------------------------------------------------------


def _check_may_correct(*, user, record, centre_ids=None) -> None:
    """Corrections are for the staff of the record's centre: managers at any time,
    counsellors for SESSION_EDIT_WINDOW_DAYS after the record was logged. `centre_ids`: the
    user's centres, when known (a list page asks once for all its rows)."""
    if centre_ids is None:
        _check_centre(user, record.centre)
    elif record.centre_id not in centre_ids:
        raise PermissionDenied(str(NOT_YOUR_CENTRE))
    if user.can(Permission.MANAGE_CENTRE):
        return
    logged = getattr(record, "created_at", None)
    logged = localdate(logged) if logged else record.sent_on
    days = settings.SESSION_EDIT_WINDOW_DAYS
    if (localdate() - logged).days > days:
        raise PermissionDenied(str(EDIT_WINDOW_PASSED % {"days": days}))


def may_correct(*, user, record, centre_ids=None) -> bool:
    if not user.can(Permission.COUNSEL_VISITORS):
        return False
    try:
        _check_may_correct(user=user, record=record, centre_ids=centre_ids)
    except PermissionDenied:
        return False
    return True


def _label(record) -> str:
    return f"{record._meta.model_name} {record.pk}"


def _audit_correction(*, user, record, visitors, changed: list[str]) -> None:
    for visitor in visitors:
        audit_record(
            visitor=visitor,
            centre=record.centre_id,
            user=user,
            action=AuditEvent.Action.CORRECTED,
            detail=f"{_label(record)}: {', '.join(changed)}",
        )
    if not visitors:
        audit_record(
            centre=record.centre_id,
            user=user,
            action=AuditEvent.Action.CORRECTED,
            detail=f"{_label(record)}: {', '.join(changed)}",
        )


def _apply(record, fields: dict) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(record, name) != value]
    for name, value in fields.items():
        setattr(record, name, value)
    return changed


@transaction.atomic
def session_update(*, session: Session, user, topics=None, **fields) -> Session:
    """Corrects a session; the names of the fields changed go to the visitor's audit trail
    and timeline (their values stay out of the trail)."""
    _check_may_correct(user=user, record=session)
    fields.pop("centre", None)  # a session stays at the centre where it took place
    changed = _apply(session, fields)
    session.full_clean()
    session.save()
    if topics is not None and {t.pk for t in topics} != set(
        session.topics.values_list("pk", flat=True)
    ):
        session.topics.set(topics)
        changed.append("topics")
    if changed:
        _audit_correction(user=user, record=session, visitors=[session.visitor], changed=changed)
    return session


def _soft_delete(*, record, user, reason: str, visitors) -> None:
    _check_may_correct(user=user, record=record)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    record.deleted_at, record.deleted_by, record.delete_reason = now(), user, reason[:300]
    record.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    detail = f"{_label(record)}: {reason}"
    for visitor in visitors or [None]:
        audit_record(
            visitor=visitor,
            centre=record.centre_id,
            user=user,
            action=AuditEvent.Action.DELETED,
            detail=detail,
        )


@transaction.atomic
def session_delete(*, session: Session, user, reason: str) -> Session:
    """Deletes softly: the session is counted nowhere, its deletion stays on the timeline."""
    _soft_delete(record=session, user=user, reason=reason, visitors=[session.visitor])
    return session


@transaction.atomic
def group_session_update(
    *,
    group: GroupSession,
    user,
    topics=None,
    facilitators=None,
    attendees=None,
    counts=None,
    **fields,
) -> GroupSession:
    _check_may_correct(user=user, record=group)
    fields.pop("centre", None)
    changed = _apply(group, fields)
    group.full_clean()
    attendees = list(group.attendees.all()) if attendees is None else list(attendees)
    if counts is None:
        counts = {(c.sex, c.age_band): c.count for c in group.counts.all()}
    group_session_validate(total=group.total_participants, attendees=len(attendees), counts=counts)
    group.save()
    if topics is not None and set(topics) != set(group.topics.all()):
        group.topics.set(topics)
        changed.append("topics")
    if facilitators is not None and set(facilitators) != set(group.facilitators.all()):
        group.facilitators.set(facilitators)
        changed.append("facilitators")
    before = set(group.attendees.all())
    if set(attendees) != before:
        GroupAttendance.objects.filter(group_session=group).exclude(visitor__in=attendees).delete()
        GroupAttendance.objects.bulk_create(
            GroupAttendance(group_session=group, visitor=v) for v in attendees if v not in before
        )
        changed.append("attendees")
    old_counts = {(c.sex, c.age_band): c.count for c in group.counts.all()}
    new_counts = {key: value for key, value in counts.items() if value}
    if old_counts != new_counts:
        group.counts.all().delete()
        GroupCount.objects.bulk_create(
            GroupCount(group_session=group, sex=sex, age_band=band, count=value)
            for (sex, band), value in new_counts.items()
        )
        changed.append("counts")
    if changed:
        visitors = list(set(attendees) | before)
        _audit_correction(user=user, record=group, visitors=visitors, changed=changed)
    return group


@transaction.atomic
def group_session_delete(*, group: GroupSession, user, reason: str) -> GroupSession:
    _soft_delete(record=group, user=user, reason=reason, visitors=list(group.attendees.all()))
    return group


@transaction.atomic
def referral_update(*, referral: Referral, user, **fields) -> Referral:
    """Corrects what was recorded when the referral was sent (partner, service, date); its
    status moves on with referral_transition."""
    _check_may_correct(user=user, record=referral)
    fields.pop("centre", None)
    changed = _apply(referral, fields)
    referral.full_clean()
    referral.save()
    if changed:
        _audit_correction(user=user, record=referral, visitors=[referral.visitor], changed=changed)
    return referral


@transaction.atomic
def referral_delete(*, referral: Referral, user, reason: str) -> Referral:
    _soft_delete(record=referral, user=user, reason=reason, visitors=[referral.visitor])
    return referral


IMPORT_ROLLED_BACK = gettext_lazy("This import was rolled back already.")


@transaction.atomic
def session_import_roll_back(*, user, session_import) -> dict:
    """Undoes a legacy import as a whole (managers of its centre): its sessions are deleted
    softly and the visitors it created are anonymised and deleted softly, unless they have
    been served since (other sessions, referrals, group sessions): those stay. The rows can
    be imported again. Audited on the centre; returns what was undone."""
    if not user.can(Permission.MANAGE_CENTRE):
        raise PermissionDenied
    _check_centre(user, session_import.centre)
    locked = type(session_import).objects.select_for_update().get(pk=session_import.pk)
    if locked.rolled_back_at is not None:
        raise ValidationError(IMPORT_ROLLED_BACK)
    when = now()
    reason = f"import {locked.pk} rolled back"
    sessions = Session.objects.filter(session_import=locked, deleted_at__isnull=True)
    with summary_deferred() as summarised:
        summarised.update(sessions.values_list("visitor_id", flat=True))
        undone = sessions.update(
            deleted_at=when, deleted_by=user, delete_reason=reason, legacy_row=""
        )
        created = Visitor.objects.filter(session_import=locked, deleted_at__isnull=True)
        served = (
            Exists(Session.objects.live().filter(visitor=OuterRef("pk")))
            | Exists(Referral.objects.live().filter(visitor=OuterRef("pk")))
            | Exists(GroupAttendance.objects.filter(visitor=OuterRef("pk")))
            | Exists(Visitor.objects.filter(merged_into=OuterRef("pk")))
        )
        removable = list(created.exclude(served).values_list("pk", flat=True))
        if removable:
            _visitors_anonymise(ids=removable, when=when)
            Visitor.objects.filter(pk__in=removable).update(
                deleted_at=when, deleted_by=user, delete_reason=reason, legacy_ref=""
            )
    locked.rolled_back_at, locked.rolled_back_by = when, user
    locked.save(update_fields=["rolled_back_at", "rolled_back_by"])
    audit_record(
        user=user,
        centre=locked.centre_id,
        action=AuditEvent.Action.IMPORT_ROLLED_BACK,
        count=undone,
        detail=f"{reason}: {len(removable)} visitors removed",
    )
    return {
        "sessions": undone,
        "visitors": len(removable),
        "kept": created.count() - len(removable),
    }


@transaction.atomic
def visitor_merge_undo(*, user, merge: VisitorMerge) -> Visitor:
    """Undoes a merge within MERGE_UNDO_WINDOW: what moved goes back to the removed record
    (sessions, referrals, consent, attendance, records merged into it before); what was
    logged on the kept record since stays there. Refused once the kept record is itself
    merged (undo that merge first) or after the window."""
    _check_merge(user, merge.kept, merge.removed)
    merge = VisitorMerge.objects.select_for_update().get(pk=merge.pk)
    locked = _visitors_lock(merge.kept_id, merge.removed_id)
    keep, remove = locked[merge.kept_id], locked[merge.removed_id]
    if merge.undone_at is not None:
        return remove
    if not merge.can_be_undone:
        raise ValidationError(MERGE_FINAL)
    if keep.merged_into_id is not None:
        raise ValidationError(MERGE_UNDO_LATER_FIRST % {"kept": keep.kept_record().code})
    moved = merge.moved
    remove.merged_into = None
    remove.save(update_fields=["merged_into"])
    Session.objects.filter(pk__in=moved.get("sessions", []), visitor=keep).update(visitor=remove)
    Referral.objects.filter(pk__in=moved.get("referrals", []), visitor=keep).update(visitor=remove)
    ConsentEvent.objects.filter(pk__in=moved.get("consent_events", []), visitor=keep).update(
        visitor=remove
    )
    GroupAttendance.objects.filter(pk__in=moved.get("attendances", []), visitor=keep).update(
        visitor=remove
    )
    GroupAttendance.objects.bulk_create(
        [
            GroupAttendance(group_session_id=group, visitor=remove)
            for group in moved.get("attendances_dropped", [])
        ],
        ignore_conflicts=True,
    )
    repointed = Visitor.objects.filter(pk__in=moved.get("repointed", []), merged_into=keep)
    VisitorMerge.objects.filter(removed__in=repointed.values("pk"), undone_at__isnull=True).update(
        kept=remove
    )
    repointed.update(merged_into=remove)
    merge.undone_at, merge.undone_by = now(), user
    merge.save(update_fields=["undone_at", "undone_by"])
    VisitorCentre.refresh([keep.pk, remove.pk])
    audit_record(visitor=keep, user=user, action=AuditEvent.Action.UNMERGED, detail=remove.code)
    audit_record(visitor=remove, user=user, action=AuditEvent.Action.UNMERGED, detail=keep.code)
    return remove


def visitor_merges_recent(*, user, limit: int = 20):
    """The merges the user made that can still be undone, newest first."""
    since = now() - MERGE_UNDO_WINDOW
    return (
        VisitorMerge.objects.filter(merged_by=user, undone_at__isnull=True, merged_at__gte=since)
        .select_related("kept__centre", "removed__centre")
        .order_by("-merged_at")[:limit]
    )


@transaction.atomic
def visitor_pair_distinct(*, user, first: Visitor, second: Visitor) -> DistinctPeople:
    """Records that two probable duplicates are two people: the pair leaves the queue."""
    _check_merge(user, first, second)
    low, high = sorted((first, second), key=lambda visitor: visitor.pk)
    decision, created = DistinctPeople.objects.get_or_create(
        first=low, second=high, defaults={"decided_by": user}
    )
    if created:
        audit_record(
            visitor=low, user=user, action=AuditEvent.Action.CHANGED, detail=f"≠ {high.code}"
        )
    return decision


def visitor_merges_repair() -> list[str]:
    """Finds merge chains and cycles left by merges made before they were safe and fixes them:
    a record in a chain points at the end of its chain; a cycle keeps its oldest record (the
    first registered) and the others point at it. Returns one line per change (codes only)."""
    changes = []
    with transaction.atomic():
        merged = dict(
            Visitor.objects.select_for_update()
            .filter(merged_into__isnull=False)
            .values_list("pk", "merged_into_id")
        )
        kept_of: dict[int, int] = {}
        for start in merged:
            path, pk = [], start
            while pk in merged and pk not in path and pk not in kept_of:
                path.append(pk)
                pk = merged[pk]
            if pk in kept_of:
                end = kept_of[pk]
            elif pk in path:  # a cycle: the oldest record of the cycle is kept
                cycle = path[path.index(pk) :]
                end = Visitor.objects.filter(pk__in=cycle).order_by("created_at", "pk")[0].pk
            else:
                end = pk
            for node in path:
                kept_of[node] = end
        codes_of = dict(
            Visitor.objects.filter(pk__in=set(merged) | set(kept_of.values())).values_list(
                "pk", "code"
            )
        )
        # Freed first, pointed second: the trigger refuses a pointer to a record that is
        # still merged, or a pointer from a record others still point at.
        ends = {end for end in kept_of.values() if end in merged}
        repoint = sorted(pk for pk, end in kept_of.items() if pk != end and merged[pk] != end)
        Visitor.objects.filter(pk__in=ends | set(repoint)).update(merged_into=None)
        for end in sorted(ends):
            changes.append(f"{codes_of[end]}: kept (was in a merge cycle)")
        for pk in repoint:
            Visitor.objects.filter(pk=pk).update(merged_into=kept_of[pk])
            changes.append(f"{codes_of[pk]}: now merged into {codes_of[kept_of[pk]]}")
        # Sessions, referrals and consent left on any merged record move to its kept record.
        for pk, end in sorted(kept_of.items()):
            if pk == end:
                continue
            moved = sum(
                model.objects.filter(visitor=pk).update(visitor=end)
                for model in (Session, Referral, ConsentEvent)
            )
            if moved:
                changes.append(f"{codes_of[pk]}: {moved} rows moved to {codes_of[end]}")
    return changes


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
    "id_number": "",
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
    return selectors.visitor_data(visitor=visitor, user=user)


TRAINING_INTEREST_EXISTS = gettext_lazy("This is already recorded for this visitor and training.")


@transaction.atomic
def training_interest_record(
    *, user, visitor: Visitor, centre: Centre, training, status: str, date=None
) -> TrainingInterest:
    """Records that a visitor was told of a listed graduate training, or applied to it."""
    _check_centre(user, centre)
    interest = TrainingInterest(
        visitor=visitor,
        centre=centre,
        training=training,
        status=status,
        date=date or localdate(),
        recorded_by=user,
    )
    if TrainingInterest.objects.filter(visitor=visitor, training=training, status=status).exists():
        raise ValidationError({"status": TRAINING_INTEREST_EXISTS})
    interest.full_clean()
    interest.save()
    audit_record(visitor=visitor, user=user, action=AuditEvent.Action.CHANGED, detail="training")
    return interest
