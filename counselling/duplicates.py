"""Probable duplicates across the network (issue 10): reads only; merges are services.

A probable match is an active record with the same ID number, the same phone (last
PHONE_MATCH_DIGITS digits), or the same year of birth and a full name that is the same once
case and diacritics are ignored, or differs by a small spelling difference (trigram similarity
of at least NAME_SIMILARITY). On PostgreSQL the name check uses `msc_name_key()` (unaccent,
lower-case) and its trigram index (migration 0017); the SQLite demo compares names in Python's
normalisation, exactly (no trigrams there).

Privacy: a counsellor learns only the *centre* of a match outside their scope
(`matches_elsewhere`), never the other record; they then ask the visitor for their card code
(the presence-proof flow). The review queue (`duplicate_pairs`) is for coordinators (both
records in their country) and the programme (the network, without names).
"""

import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

from .models import PHONE_MATCH_DIGITS, Visitor

NAME_SIMILARITY = 0.6
PAIRS_LIMIT = 100

# Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ø": "o", "ß": "ss", "ı": "i"})


def name_key(given_name: str, family_name: str) -> str:
    """The full name without case and diacritics: `Testović` and `TESTOVIC` are one key.
    The same as msc_name_key() in PostgreSQL (migration 0017)."""
    text = f"{given_name or ''} {family_name or ''}".strip().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    # `Đorđević` is written `Djordjevic` or `Dordevic` without diacritics: both are one key.
    return plain.replace("dj", "d")


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _id_number(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def _by_name(base: QuerySet, given_name: str, family_name: str, year_of_birth) -> QuerySet:
    base = base.exclude(family_name="")
    if connection.vendor != "postgresql":
        return base.filter(
            year_of_birth=year_of_birth,
            given_name__iexact=given_name,
            family_name__iexact=family_name,
        )
    key = name_key(given_name, family_name)
    # One GIN index holds the year and the name's trigrams (btree_gin): the year is cast to
    # the column's type so that the index takes it; `%` finds the candidates (at the
    # threshold set_similarity_threshold gives each connection), similarity() keeps the close
    # ones.
    return base.extra(
        where=[
            "counselling_visitor.year_of_birth = %s::smallint",
            "msc_name_key(counselling_visitor.given_name, counselling_visitor.family_name) "
            "%% msc_name_key(%s, %s)",
            "similarity(msc_name_key(counselling_visitor.given_name, "
            "counselling_visitor.family_name), msc_name_key(%s, %s)) >= %s",
        ],
        params=[int(year_of_birth), key, "", key, "", NAME_SIMILARITY],
    )


def probable_matches(
    *,
    given_name: str = "",
    family_name: str = "",
    year_of_birth=None,
    phone: str = "",
    id_number: str = "",
    exclude: Visitor | None = None,
) -> QuerySet:
    """Active records anywhere in the network that are probably this person. Each way of
    matching is its own indexed query; the answer is a queryset of their union."""
    base = Visitor.objects.active()
    if exclude is not None:
        base = base.exclude(pk=exclude.pk)
    found: set[int] = set()
    number = _id_number(id_number)
    if number:
        found.update(base.filter(id_number=number).values_list("pk", flat=True))
    digits = _digits(phone)
    if len(digits) >= PHONE_MATCH_DIGITS:
        tail = Right("phone", PHONE_MATCH_DIGITS)
        found.update(
            base.alias(tail=tail)
            .filter(tail=digits[-PHONE_MATCH_DIGITS:])
            .values_list("pk", flat=True)
        )
    if given_name and family_name and year_of_birth:
        found.update(
            _by_name(base, given_name, family_name, year_of_birth).values_list("pk", flat=True)
        )
    return Visitor.objects.filter(pk__in=found)


def matches_of(visitor: Visitor) -> QuerySet:
    return probable_matches(
        given_name=visitor.given_name,
        family_name=visitor.family_name,
        year_of_birth=visitor.year_of_birth,
        phone=visitor.phone,
        id_number=visitor.id_number,
        exclude=visitor,
    )


def matches_elsewhere(*, user, matches: QuerySet) -> list[str]:
    """The names of the centres outside the user's scope holding a probable match: all a
    counsellor is told about another centre's record."""
    # NOT EXISTS, not NOT IN: PostgreSQL checks the few matches one by one instead of reading
    # the whole scope (every visitor of a busy centre) into a hash first.
    visible = Visitor.objects.visible_to(user).filter(pk=OuterRef("pk"))
    outside = matches.exclude(Exists(visible))
    return sorted(set(outside.values_list("centre__name", flat=True)))


@dataclass
class Pair:
    first: Visitor
    second: Visitor
    reasons: list[str]

    @property
    def records(self) -> tuple[Visitor, Visitor]:
        return self.first, self.second


def _pair_reasons(a: Visitor, b: Visitor) -> list[str]:
    reasons = []
    if a.id_number and a.id_number == b.id_number:
        reasons.append(REASONS["id_number"])
    tail_a, tail_b = _digits(a.phone), _digits(b.phone)
    if len(tail_a) >= PHONE_MATCH_DIGITS and tail_a[-8:] == tail_b[-8:]:
        reasons.append(REASONS["phone"])
    same_year = a.year_of_birth and a.year_of_birth == b.year_of_birth and a.family_name
    if same_year and name_key(a.given_name, a.family_name) == name_key(b.given_name, b.family_name):
        reasons.append(REASONS["name"])
    return reasons


REASONS = {
    "id_number": _("same ID number"),
    "phone": _("same phone"),
    "name": _("same name and year of birth"),
}

_PAIRS_SQL = """
WITH v AS (
    SELECT v.id, v.centre_id, v.id_number, v.year_of_birth, v.created_at,
           CASE WHEN length(v.phone) >= {digits} THEN substr(v.phone, length(v.phone) - {back})
                ELSE '' END AS tail,
           CASE WHEN v.family_name = '' THEN '' ELSE {name_key} END AS name_key
    FROM counselling_visitor v JOIN centres_centre c ON c.id = v.centre_id
    WHERE v.merged_into_id IS NULL {scope}
), pairs AS (
    SELECT a.id AS first, b.id AS second FROM v a JOIN v b ON a.id_number = b.id_number
        WHERE a.id_number <> '' AND a.id < b.id AND a.centre_id <> b.centre_id
    UNION
    SELECT a.id, b.id FROM v a JOIN v b ON a.tail = b.tail
        WHERE a.tail <> '' AND a.id < b.id AND a.centre_id <> b.centre_id
    UNION
    SELECT a.id, b.id FROM v a JOIN v b
        ON a.name_key = b.name_key AND a.year_of_birth = b.year_of_birth
        WHERE a.name_key <> '' AND a.id < b.id AND a.centre_id <> b.centre_id
)
SELECT p.first, p.second FROM pairs p
    JOIN v a ON a.id = p.first JOIN v b ON b.id = p.second
    WHERE NOT EXISTS (
        SELECT 1 FROM counselling_distinctpeople d
        WHERE d.first_id = p.first AND d.second_id = p.second
    )
    ORDER BY CASE WHEN a.created_at > b.created_at THEN a.created_at ELSE b.created_at END DESC,
             p.first, p.second
    LIMIT %s
"""


def duplicate_pairs(*, user, limit: int = PAIRS_LIMIT) -> list[Pair]:
    """Probable duplicates registered at two different centres, both within the user's
    review scope, that nobody has marked as two people; the newest first. Set-based (three
    equi-joins) so that it stays fast on the whole network; here names match once case and
    diacritics are ignored (the desk check also tolerates small spelling differences)."""
    scope = review_scope(user)
    if scope is None:
        return []
    params: list = []
    where = ""
    if user.role == Role.COUNTRY_COORDINATOR:
        where, params = "AND c.country = %s", [str(user.scope.country)]
    if connection.vendor == "postgresql":
        key = "msc_name_key(v.given_name, v.family_name)"
    else:
        key = "lower(trim(v.given_name || ' ' || v.family_name))"
    sql = _PAIRS_SQL.format(
        digits=PHONE_MATCH_DIGITS, back=PHONE_MATCH_DIGITS - 1, name_key=key, scope=where
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    records = Visitor.objects.select_related("centre").in_bulk({pk for row in rows for pk in row})
    return [Pair(records[a], records[b], _pair_reasons(records[a], records[b])) for a, b in rows]


def review_filter(user) -> Q | None:
    """Whose duplicates the user reviews, as a filter on visitors: a country coordinator's
    country, the programme's network. Others have no review queue."""
    if not user.is_authenticated:
        return None
    if user.role == Role.COUNTRY_COORDINATOR and user.scope.country:
        return Q(centre__country=user.scope.country)
    if user.role == Role.PROGRAMME_MANAGER:
        return Q()
    return None


def review_scope(user) -> QuerySet | None:
    rule = review_filter(user)
    return None if rule is None else Visitor.objects.active().filter(rule)


def set_similarity_threshold(sender, connection, **kwargs) -> None:
    """pg_trgm's `%` answers at its own threshold (0.3 by default): ours, for each new
    connection (a `connection_created` receiver, counselling.apps). Nothing else in the portal
    uses `%` (the skills pickers' trigram indexes serve LIKE, which has no threshold)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
                [str(NAME_SIMILARITY)],
            )
