"""The bench data, generated once inside PostgreSQL (generate_series, no row-by-row ORM).

200 centres in 6 countries, a counsellor at each centre, a coordinator per country, a programme
manager; 250,000 visitors (half named, with service consent, for the name search); 1,000,000
individual sessions in 2025 (one in ten at another centre than the one that registered the
visitor, as after a proof of presence); 20,000 group sessions with 100,000 attendances. Every
persona's password is BENCH_PASSWORD.
"""

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

CENTRES, VISITORS, SESSIONS = 200, 250_000, 1_000_000
GROUPS, ATTENDANCES = 20_000, 100_000
COUNTRIES = ["AL", "BA", "XK", "ME", "MK", "RS"]
BENCH_PASSWORD = "bench-password-2026"
GIVEN = ["Arben", "Besa", "Dragan", "Elira", "Fatmir", "Goran", "Ivana", "Jelena", "Kujtim",
         "Lejla", "Marko", "Nora", "Petar", "Sara", "Teuta", "Vesna", "Zoran", "Ana", "Edin",
         "Mirela"]  # fmt: skip
FAMILY = ["Hoxha", "Petrović", "Kovačević", "Berisha", "Jovanovski", "Hodžić", "Krasniqi",
          "Nikolić", "Stojanovska", "Begović", "Gashi", "Marković", "Dimitrov", "Shala",
          "Ilić", "Mehmeti", "Popović", "Trajkovski", "Delić", "Rama"]  # fmt: skip


def counsellor_email(centre_index: int) -> str:
    return f"counsellor{centre_index}@bench.example.org"


def coordinator_email(country: str) -> str:
    return f"coordinator-{country.lower()}@bench.example.org"


MANAGER_EMAIL = "manager@bench.example.org"


def present() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM counselling_session")
        return cursor.fetchone()[0] >= SESSIONS


@transaction.atomic
def generate(log=print) -> None:
    from counselling.summary import summary_paused

    # One million sessions by SQL: the statistics summary is rebuilt once at the end instead
    # of by its triggers row by row.
    with summary_paused():
        _generate(log)


def _generate(log) -> None:
    password = make_password(BENCH_PASSWORD)
    with connection.cursor() as cursor:
        log("generating bench data in SQL (once)…")
        cursor.execute(
            "TRUNCATE counselling_session_topics, counselling_session, counselling_groupcount, "
            "counselling_groupattendance, counselling_groupsession_topics, "
            "counselling_groupsession_facilitators, counselling_groupsession, "
            "counselling_consentevent, counselling_presencegrant, counselling_referralevent, "
            "counselling_referral, counselling_visitor, accounts_centremembership, "
            "centres_centre, accounts_user CASCADE"
        )
        cursor.execute(
            """
            INSERT INTO centres_centre (id, name, code, country, city, host_office, address,
                phone, email, opening_hours, languages, is_active)
            SELECT n + 1, 'Centre ' || n, chr((65 + n / 26 %% 26)::int) || chr((65 + n %% 26)::int),
                   (%s::text[])[n %% 6 + 1], 'City ' || n, 'Employment service', '', '', '',
                   '', '[]', true
            FROM generate_series(0::bigint, %s - 1) n
            """,
            [COUNTRIES, CENTRES],
        )
        user_columns = (
            "(id, password, is_superuser, email, full_name, role, country, preferred_language, "
            "timezone, is_active, date_joined)"
        )
        cursor.execute(
            f"""
            INSERT INTO accounts_user {user_columns}
            SELECT n + 1, %s, false, 'counsellor' || n || '@bench.example.org',
                   'Counsellor ' || n, 'counsellor', '', 'en', 'Europe/Belgrade', true, now()
            FROM generate_series(0::bigint, %s - 1) n
            """,
            [password, CENTRES],
        )
        for offset, country in enumerate(COUNTRIES):
            cursor.execute(
                f"INSERT INTO accounts_user {user_columns} VALUES "
                "(%s, %s, false, %s, %s, 'country_coordinator', %s, 'en', 'Europe/Belgrade', "
                "true, now())",
                [CENTRES + 1 + offset, password, coordinator_email(country),
                 f"Coordinator {country}", country],
            )  # fmt: skip
        cursor.execute(
            f"INSERT INTO accounts_user {user_columns} VALUES "
            "(%s, %s, false, %s, 'Programme manager', 'programme_manager', '', 'en', "
            "'Europe/Belgrade', true, now())",
            [CENTRES + 7, password, MANAGER_EMAIL],
        )
        cursor.execute(
            "INSERT INTO accounts_centremembership (since, centre_id, user_id) "
            "SELECT date '2024-01-01', n + 1, n + 1 FROM generate_series(0::bigint, %s - 1) n",
            [CENTRES],
        )
        # Visitor n is registered at centre n % 200 + 1 by that centre's counsellor.
        cursor.execute(
            """
            INSERT INTO counselling_visitor (id, code, given_name, family_name, phone, email, sex,
                year_of_birth, citizenship, residence_country, municipality, education,
                employment_status, occupation, languages, migration_status, destinations,
                intention_purpose, intention_timeframe, has_job_offer, has_admission,
                consent_service, consent_research, consent_contact, created_at, updated_at,
                centre_id, created_by_id, merged_into_id, pin_hash, month_of_birth, delete_reason,
                legacy_ref, id_number)
            SELECT n + 1, 'BN-' || lpad(n::text, 7, '0'),
                   CASE WHEN n %% 2 = 0 THEN (%s::text[])[n %% 20 + 1] ELSE '' END,
                   CASE WHEN n %% 2 = 0 THEN (%s::text[])[(n / 20) %% 20 + 1]
                        || CASE WHEN n %% 7 = 0 THEN '' ELSE chr((97 + n / 400 %% 26)::int) END
                        ELSE '' END,
                   '', '', (ARRAY['F','F','M','M','X'])[n %% 5 + 1], 1950 + n %% 61, '', '', '',
                   NULL, '', '', '[]',
                   (ARRAY['potential_migrant','returnee','migrant_worker','student','other'])
                       [n %% 5 + 1],
                   (ARRAY['DE','AT','IT','DE,AT','CH','FR',''])[n %% 7 + 1],
                   (ARRAY['work','study','family',''])[n %% 4 + 1], '', false, false,
                   n %% 2 = 0, true, false,
                   timestamptz '2024-01-01' + (n * interval '2 minutes'), now(),
                   n %% %s + 1, n %% %s + 1, NULL, '', NULL, '', '', ''
            FROM generate_series(0::bigint, %s - 1) n
            """,
            [GIVEN, FAMILY, CENTRES, CENTRES, VISITORS],
        )
        log("  visitors done")
        # One session in ten is at the next centre (the visitor proved presence there).
        cursor.execute(
            """
            INSERT INTO counselling_session (id, date, mode, duration_minutes, destinations,
                services, notes, follow_up_date, follow_up_done, created_at, centre_id,
                counsellor_id, visitor_id, source, delete_reason, legacy_row, outcome,
                visitor_centre_id, visitor_country)
            SELECT s.n + 1, date '2025-01-01' + (s.n * 7919 %% 365)::int,
                   (ARRAY['in_person','phone','online'])[s.n %% 3 + 1],
                   (ARRAY[15,30,45,60])[s.n %% 4 + 1], '',
                   -- one session in eight also gave pre-departure orientation
                   CASE WHEN s.n %% 8 = 0 THEN '["information", "pre_departure"]'::jsonb
                        ELSE '["information"]'::jsonb END, '',
                   NULL, false, timestamptz '2025-01-01' + (s.n * interval '30 seconds'),
                   s.centre, s.centre, s.visitor + 1, 'desk', '', '', '',
                   registered.id, registered.country
            FROM (
                SELECT n, (n * 104729) %% %s AS visitor,
                       CASE WHEN n %% 10 = 0 THEN ((n * 104729) %% %s + 1) %% %s + 1
                            ELSE (n * 104729) %% %s %% %s + 1 END AS centre
                FROM generate_series(0::bigint, %s - 1) n
            ) s
            -- The visitor's registration centre (the triggers that copy it are off).
            JOIN centres_centre registered ON registered.id = s.visitor %% %s + 1
            """,
            [VISITORS, VISITORS, CENTRES, VISITORS, CENTRES, SESSIONS, CENTRES],
        )
        log("  sessions done")
        cursor.execute(
            "INSERT INTO counselling_session_topics (session_id, topic_id) "
            "SELECT s.id, t.ids[s.id % array_length(t.ids, 1) + 1] "
            "FROM counselling_session s, (SELECT array_agg(id ORDER BY id) ids "
            "FROM counselling_topic) t WHERE s.id % 3 = 0"
        )
        cursor.execute(
            """
            INSERT INTO counselling_groupsession (id, type, date, place, total_participants,
                created_at, centre_id, created_by_id, delete_reason)
            SELECT n + 1, 'information', date '2025-01-01' + (n * 31 %% 365)::int, 'Hall', 8,
                   now(), n %% %s + 1, n %% %s + 1, ''
            FROM generate_series(0::bigint, %s - 1) n
            """,
            [CENTRES, CENTRES, GROUPS],
        )
        # Attendees of group g (at centre g % 200 + 1): visitors registered at that centre.
        cursor.execute(
            """
            INSERT INTO counselling_groupattendance (group_session_id, visitor_id)
            SELECT DISTINCT g + 1, ((n * 7 + g) %% (%s / %s)) * %s + g %% %s + 1
            FROM generate_series(0::bigint, %s - 1) g, generate_series(0::bigint, %s - 1) n
            """,
            [VISITORS, CENTRES, CENTRES, CENTRES, GROUPS, ATTENDANCES // GROUPS],
        )
        for table in ("centres_centre", "accounts_user", "accounts_centremembership",
                      "counselling_visitor", "counselling_session", "counselling_groupsession",
                      "counselling_groupattendance", "counselling_session_topics"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
    from counselling.models import VisitorCentre

    VisitorCentre.refresh(range(1, VISITORS + 1))
    log("  done")
