"""The data-quality work list: the records of a centre (or a counsellor) with each problem, each
with the page that fixes it; and the same problems counted per centre, for the country's
coordinator and the programme (counts only, no personal data).

Every problem is a QuerySet filter on rows the user may see (`visible_to`), so the list and its
counts follow the access rules; the roll-up counts over centres, never over people.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from .models import ConsentEvent, Referral, Session, Visitor

# How many rows of each problem the work list shows (the count says how many there are).
LIST_LIMIT = 50
# Groups of probable duplicates confirmed by the duplicate check per page (two queries each).
DUPLICATE_GROUPS = 20


@dataclass(frozen=True)
class Problem:
    key: str
    label: str
    fix: str  # what the link does
    kind: str  # "visitor", "session" or "referral": which rows, which fixing page


PROBLEMS = [
    Problem("no_consent", _("No consent recorded"), _("Record consent"), "visitor"),
    Problem("incomplete", _("Profile incomplete"), _("Complete the profile"), "visitor"),
    Problem("no_topic", _("Session without topic"), _("Correct the session"), "session"),
    Problem("overdue", _("Overdue follow-up"), _("Open the visitor"), "session"),
    Problem("open_referral", _("Referral open too long"), _("Update the referral"), "referral"),
    Problem("duplicate", _("Probable duplicate"), _("Compare and merge"), "visitor"),
]
PROBLEM_KEYS = [p.key for p in PROBLEMS]

# The profile a report needs: without these a person is counted under "unknown".
INCOMPLETE = (
    Q(year_of_birth__isnull=True)
    | Q(education__isnull=True)
    | Q(employment_status="")
    | Q(citizenship="")
)


def _no_consent(visitors):
    return visitors.filter(~Exists(ConsentEvent.objects.filter(visitor=OuterRef("pk"))))


def _no_topic(sessions):
    topics = Session.topics.through.objects.filter(session_id=OuterRef("pk"))
    return sessions.filter(~Exists(topics))


def _overdue(sessions):
    return sessions.filter(follow_up_date__lt=localdate(), follow_up_done=False)


def _open_referrals(referrals):
    cutoff = localdate() - timedelta(days=settings.REFERRAL_OPEN_DAYS)
    return referrals.open().filter(sent_on__lt=cutoff)


def _duplicate_keys(visitors):
    """Name and year of birth shared by more than one of these visitors: the cheap first pass
    before the duplicate check itself (services.visitor_duplicates) confirms them."""
    return (
        visitors.exclude(given_name="")
        .exclude(family_name="")
        .filter(year_of_birth__isnull=False)
        .annotate(g=Lower("given_name"), f=Lower("family_name"))
        .values("g", "f", "year_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


def problem_rows(*, user, centre=None, counsellor=None) -> dict[str, dict]:
    """For each problem: its count and up to LIST_LIMIT rows of the user's scope, optionally
    for one centre and one counsellor (who registered the visitor, logged the session or sent
    the referral)."""
    from .services import visitor_duplicates

    visitors = Visitor.objects.visible_to(user).select_related("centre")
    sessions = Session.objects.visible_to(user).select_related("visitor", "centre", "counsellor")
    referrals = Referral.objects.visible_to(user).select_related("visitor", "partner", "centre")
    if centre is not None:
        visitors = visitors.filter(centre=centre)
        sessions = sessions.filter(centre=centre)
        referrals = referrals.filter(centre=centre)
    if counsellor is not None:
        visitors = visitors.filter(created_by=counsellor)
        sessions = sessions.filter(counsellor=counsellor)
        referrals = referrals.filter(created_by=counsellor)
    found = {
        "no_consent": _no_consent(visitors).order_by("-created_at"),
        "incomplete": visitors.filter(INCOMPLETE).order_by("-created_at"),
        "no_topic": _no_topic(sessions).order_by("-date"),
        "overdue": _overdue(sessions).order_by("follow_up_date"),
        "open_referral": _open_referrals(referrals).order_by("sent_on"),
    }
    result = {
        key: {"count": rows.count(), "rows": list(rows[:LIST_LIMIT])} for key, rows in found.items()
    }
    duplicates, seen = [], set()
    keys = list(_duplicate_keys(visitors)[:DUPLICATE_GROUPS])
    for key in keys:
        sample = visitors.filter(
            given_name__iexact=key["g"],
            family_name__iexact=key["f"],
            year_of_birth=key["year_of_birth"],
        ).first()
        if sample is None:
            continue
        matches = visitor_duplicates(
            user=user,
            given_name=sample.given_name,
            family_name=sample.family_name,
            year_of_birth=sample.year_of_birth,
            phone=sample.phone,
        )
        for visitor in matches:
            if visitor.pk not in seen:
                seen.add(visitor.pk)
                visitor.duplicate_group = sample.code
                duplicates.append(visitor)
    result["duplicate"] = {"count": len(duplicates), "rows": duplicates[:LIST_LIMIT]}
    return result


def problem_counts_by_centre(centres) -> list[dict]:
    """Per centre: how many records have each problem. Counts only, for roll-ups."""
    rows = {c.pk: {"centre": c, **dict.fromkeys(PROBLEM_KEYS, 0)} for c in centres}
    if not rows:
        return []
    ids = list(rows)
    visitors = Visitor.objects.active().filter(centre__in=ids)
    sessions = Session.objects.live().filter(centre__in=ids)
    referrals = Referral.objects.live().filter(centre__in=ids)
    queries = {
        "no_consent": _no_consent(visitors),
        "incomplete": visitors.filter(INCOMPLETE),
        "no_topic": _no_topic(sessions),
        "overdue": _overdue(sessions),
        "open_referral": _open_referrals(referrals),
    }
    for key, queryset in queries.items():
        for row in queryset.values("centre").annotate(n=Count("id")).order_by():
            rows[row["centre"]][key] = row["n"]
    named = (
        visitors.exclude(given_name="")
        .exclude(family_name="")
        .filter(year_of_birth__isnull=False)
        .annotate(g=Lower("given_name"), f=Lower("family_name"))
        .values("centre", "g", "f", "year_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
    )
    for group in named:
        rows[group["centre"]]["duplicate"] += group["n"]
    result = list(rows.values())
    for row in result:
        row["cells"] = [row[key] for key in PROBLEM_KEYS]
        row["total"] = sum(row["cells"])
    return sorted(result, key=lambda row: (str(row["centre"].country), row["centre"].name))
