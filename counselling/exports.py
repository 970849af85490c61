"""The anonymised research export of counselling sessions (a reports.exporters.ListExporter).

Only sessions of visitors who gave research consent; never names, contact data, notes or
visitor codes. Each visitor appears under a pseudonym that is new in every export, so rows of
one person can be linked within a file but not to the register or to another file.
"""

import hashlib
import itertools
import secrets
from datetime import date
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from accounts.permissions import Permission
from reports.exporters import ListExporter, register

from .models import Session, age_band

COLUMNS = [
    "person",
    "session_date",
    "country",
    "centre",
    "sex",
    "age_band",
    "migration_status",
    "education_isced",
    "employment_status",
    "occupation_isco_major",
    "intended_destinations",
    "purpose",
    "timeframe",
    "has_job_offer",
    "mode",
    "duration_minutes",
    "topics",
    "services",
    "destinations_discussed",
]
CHUNK = 20_000


@register
class ResearchExport(ListExporter):
    identifier = "research_sessions"
    verbose_name = _("Research data: anonymised sessions")
    permission = Permission.EXPORT_RESEARCH_DATA

    def header(self, parameters):
        return COLUMNS

    def _sessions(self, parameters):
        sessions = Session.objects.live().filter(
            visitor__consent_research=True,
            date__range=(date.fromisoformat(parameters["start"]), parameters["end"]),
        )
        if parameters.get("countries"):
            sessions = sessions.filter(centre__country__in=parameters["countries"])
        return sessions.order_by("pk")

    def rows(self, parameters, user):
        key = secrets.token_bytes(16)
        # Few (year of birth, year) pairs: each band is worked out once.
        band = lru_cache(maxsize=None)(lambda born, year: age_band(born, date(year, 1, 1)))
        sessions = self._sessions(parameters)
        fields = sessions.values_list(
            "pk",
            "visitor_id",
            "date",
            "centre__country",
            "centre__code",
            "visitor__sex",
            "visitor__year_of_birth",
            "visitor__migration_status",
            "visitor__education",
            "visitor__employment_status",
            "visitor__occupation",
            "visitor__destinations",
            "visitor__intention_purpose",
            "visitor__intention_timeframe",
            "visitor__has_job_offer",
            "mode",
            "duration_minutes",
            "services",
            "destinations",
        ).iterator(chunk_size=CHUNK)
        # Topics come from a second query in the same order and are merged as both stream.
        topic_rows = (
            Session.topics.through.objects.filter(session__in=sessions)
            .order_by("session_id", "topic__code")
            .values_list("session_id", "topic__code")
            .iterator(chunk_size=CHUNK)
        )
        topics_by_session = itertools.groupby(topic_rows, key=lambda row: row[0])
        pending = next(topics_by_session, None)
        for (
            pk,
            visitor_id,
            day,
            country,
            centre,
            sex,
            born,
            status,
            education,
            employment,
            occupation,
            intended,
            purpose,
            timeframe,
            offer,
            mode,
            minutes,
            services,
            discussed,
        ) in fields:
            while pending is not None and pending[0] < pk:
                pending = next(topics_by_session, None)
            topics = ""
            if pending is not None and pending[0] == pk:
                topics = ";".join(code for _pk, code in pending[1])
                pending = next(topics_by_session, None)
            # A keyed hash (a MAC): without the key, which is thrown away, no one can link it back.
            person = hashlib.blake2b(str(visitor_id).encode(), key=key, digest_size=6).hexdigest()
            yield [
                person,
                day.isoformat(),
                country,
                centre,
                sex,
                band(born, day.year),
                status,
                education,
                employment,
                occupation,
                str(intended).replace(",", ";"),
                purpose,
                timeframe,
                offer,
                mode,
                minutes,
                topics,
                ";".join(services),
                str(discussed).replace(",", ";"),
            ]
