"""The portal in its users' languages: catalogues, pages, dates, e-mails and reports."""

import io
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import localdate

from accounts.models import Role
from msc_portal import catalogues
from tests.accounts.factories import UserFactory
from tests.counselling.factories import SessionFactory, make_visitor
from tests.matrix import PERSONAS
from tests.test_permission_matrix import ROUTES, world  # noqa: F401 (the fixture)

ROOT = Path(settings.BASE_DIR)
TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
CYRILLIC = set("абвгдђежзијклљмнњопрстћуфхцчџшѓќѕ")


# --- Catalogues ----------------------------------------------------------------------------


def _problems(catalogue: polib.POFile) -> list[str]:
    return [
        f"{'fuzzy' if 'fuzzy' in e.flags else 'empty'}: {e.msgid[:60]!r}"
        for e in catalogue
        if not e.obsolete and ("fuzzy" in e.flags or not e.translated())
    ]


@pytest.mark.parametrize("locale", catalogues.ALL_LOCALES)
def test_it_ships_every_catalogue_complete_with_placeholders_intact(locale):
    path = catalogues.catalogue_path(locale)
    assert _problems(polib.pofile(str(path))) == []
    # msgfmt checks that every translation keeps the placeholders of its msgid and, with the
    # plural formula of the header, that each plural form used for many (21, 22…) shows the count.
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("locale", catalogues.ALL_LOCALES)
def test_it_ships_compiled_catalogues_that_match_their_sources(locale):
    for base in (catalogues.LOCALE_DIR, catalogues.REFERENCE_DIR):
        source = polib.pofile(str(catalogues.catalogue_path(locale, base)))
        compiled = polib.mofile(str(catalogues.catalogue_path(locale, base).with_suffix(".mo")))
        translations = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in compiled}
        stale = [
            e.msgid
            for e in source.translated_entries()
            if translations.get((e.msgctxt, e.msgid), (None, None))
            != (e.msgstr, e.msgstr_plural if e.msgid_plural else {})
        ]
        assert stale == [], f"run `make messages`: {base.name}/{locale} .mo is stale"


def test_it_keeps_the_catalogues_current_with_the_code(tmp_path):
    """makemessages on a copy of the tree finds no message the catalogues lack."""
    copy = tmp_path / "tree"
    ignore = shutil.ignore_patterns(".venv", "var", "node_modules", ".git", "__pycache__")
    shutil.copytree(ROOT, copy, ignore=ignore)
    command = [sys.executable, "manage.py", "makemessages", "--no-obsolete"]
    command += [arg for locale in catalogues.TRANSLATED for arg in ("-l", locale)]
    command += ["--ignore=static/vendor", "--ignore=tests", "--ignore=bench", "--ignore=var"]
    subprocess.run(command, cwd=copy, check=True, capture_output=True)
    for locale in catalogues.TRANSLATED:
        refreshed = polib.pofile(str(catalogues.catalogue_path(locale, copy / "locale")))
        shipped = polib.pofile(str(catalogues.catalogue_path(locale)))
        assert {(e.msgctxt, e.msgid) for e in refreshed} == {(e.msgctxt, e.msgid) for e in shipped}
        assert _problems(refreshed) == [], f"{locale}: run `make messages` and translate"


def test_it_writes_serbian_cyrillic_by_transliterating_serbian_latin():
    latin = polib.pofile(str(catalogues.catalogue_path("sr_Latn")))
    cyrillic = polib.pofile(str(catalogues.catalogue_path("sr")))
    expected = catalogues.transliterated_catalogue(latin)
    assert [(e.msgid, e.msgstr, e.msgstr_plural) for e in cyrillic] == [
        (e.msgid, e.msgstr, e.msgstr_plural) for e in expected
    ]
    assert catalogues.to_cyrillic('Posetilac %(name)s, NACE, <a href="/x">njiva</a>') == (
        'Посетилац %(name)s, NACE, <a href="/x">њива</a>'
    )


# --- Pages ---------------------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a person reads on a page: text nodes and the labels of controls.

    Text marked with a `lang` of its own (the language switcher names each language in itself)
    and code (file columns, `translate="no"`) are not the page's language and are left out."""

    LABELS = ("aria-label", "title", "placeholder", "alt")

    def __init__(self):
        super().__init__()
        self.texts, self._skip, self._open = [], 0, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        skipped = (
            tag in ("script", "style", "code")
            or (tag != "html" and "lang" in attributes)
            or attributes.get("translate") == "no"
        )
        self._open.append(skipped)
        self._skip += skipped
        self.texts += [value.strip() for name, value in attrs if name in self.LABELS and value]

    def handle_startendtag(self, tag, attrs):
        self.texts += [value.strip() for name, value in attrs if name in self.LABELS and value]

    def handle_endtag(self, tag):
        if self._open:
            self._skip -= self._open.pop()

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def _english_left(html: str, language: str) -> list[str]:
    """Text of the page that is an English message of our catalogues, untranslated."""
    locale = translation.to_locale(language)
    catalogue = polib.pofile(str(catalogues.catalogue_path(locale)))
    english = {e.msgid for e in catalogue if not e.msgid_plural and e.msgstr != e.msgid}
    parser = _Text()
    parser.feed(html)
    return sorted({text for text in parser.texts if text in english})


def _as(client, user, language):
    # A name of the region: a random English one ("April") would read as an untranslated month.
    user.preferred_language, user.full_name = language, "Jelena Marković"
    user.save(update_fields=["preferred_language", "full_name"])
    client.force_login(user)
    return client


ROLE_USERS = {
    Role.COUNSELLOR: "counsellor_a",
    Role.CENTRE_MANAGER: "manager_a",
    Role.COUNTRY_COORDINATOR: "coordinator_a",
    Role.PROGRAMME_MANAGER: "programme_manager",
    Role.HOST_MEMBER: "host",
    Role.EXPERT: "expert",
    Role.ADMINISTRATOR: "administrator",
}


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_it_shows_every_roles_home_page_without_english(client, request, role, language):
    user = request.getfixturevalue(ROLE_USERS[role])
    english = client.get(reverse("home"), headers={"accept-language": "en"})
    assert english.status_code == 200
    response = _as(client, user, language).get(reverse("home"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert _english_left(response.content.decode(), language) == []
    # The page really is the role's page: it has English text in English.
    client.logout()
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    client.force_login(user)
    assert _english_left(client.get(reverse("home")).content.decode(), language) != []


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_it_runs_the_counsellors_day_without_english(client, counsellor_a, centre_a, language):
    visitor = make_visitor(counsellor_a, centre_a)
    session = SessionFactory(
        visitor=visitor, centre=centre_a, counsellor=counsellor_a, follow_up_date=localdate()
    )
    client = _as(client, counsellor_a, language)
    pages = [
        reverse("home"),
        reverse("counselling:visitor_list"),
        reverse("counselling:visitor_create"),
        reverse("counselling:visitor_detail", args=[visitor.code]),
        reverse("counselling:session_create", args=[visitor.code]),
        reverse("counselling:referral_create", args=[visitor.code]),
        reverse("counselling:group_session_create"),
        reverse("counselling:group_session_list"),
        reverse("counselling:referral_list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _english_left(response.content.decode(), language) == [], url
    assert session.follow_up_date == localdate()


PUBLIC_PAGES = [
    "home",
    "centres:directory",
    "skills:demand_browse",
    "skills:training_list",
    "returns:need_list",
    "returns:expert_register",
    "returns:host_register",
    "accounts:login",
]


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_it_follows_the_browsers_language_on_public_pages(client, db, language):
    browser = {"sr-latn": "sr-Latn-RS", "sr": "sr-RS"}.get(language, language)
    for name in PUBLIC_PAGES:
        response = client.get(reverse(name), headers={"accept-language": f"{browser},en;q=0.5"})
        assert response.status_code == 200, name
        assert response.headers["Content-Language"] == language, name
        assert _english_left(response.content.decode(), language) == [], name
        assert 'id="language-select"' in response.content.decode(), name


def test_it_uses_the_language_on_the_profile_at_every_sign_in(client, counsellor_a):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # left by an earlier visitor
    counsellor_a.preferred_language = "sq"
    counsellor_a.save(update_fields=["preferred_language"])
    client.force_login(counsellor_a)
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "sq"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sq"


def test_it_saves_the_switchers_choice_on_the_profile(client, counsellor_a):
    client.force_login(counsellor_a)
    client.post(reverse("accounts:set_language"), {"language": "bs", "next": "/"})
    counsellor_a.refresh_from_db()
    assert counsellor_a.preferred_language == "bs"
    assert client.get(reverse("home")).headers["Content-Language"] == "bs"


# --- Dates and numbers ---------------------------------------------------------------------


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_it_fills_every_date_input_with_an_iso_date(client, counsellor_a, centre_a, language):
    visitor = make_visitor(counsellor_a, centre_a)
    client = _as(client, counsellor_a, language)
    for url in (
        reverse("counselling:session_create", args=[visitor.code]),
        reverse("counselling:group_session_create"),
    ):
        html = client.get(url).content.decode()
        assert f'type="date" name="date" value="{localdate().isoformat()}"' in html, url


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "24 Nov 2026"),
        ("sq", "24 nëntor 2026"),
        ("sr-latn", "24. novembar 2026."),
        ("sr", "24. новембар 2026."),
        ("mk", "24 ноември 2026"),
        ("bs", "24. novembar 2026."),
    ],
)
def test_it_writes_dates_day_month_year_in_every_language(language, expected):
    from datetime import date, datetime

    from django.utils.formats import date_format, get_format, number_format, time_format

    with translation.override(language):
        assert date_format(date(2026, 11, 24)) == expected
        assert time_format(datetime(2026, 11, 24, 15, 54)) == "15:54"
        assert get_format("FIRST_DAY_OF_WEEK") == 1
        grouped = number_format(1234567, force_grouping=True)
        assert grouped.replace("\xa0", " ") == {"en": "1,234,567", "sq": "1 234 567"}.get(
            language, "1.234.567"
        )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_it_says_today_on_the_desk_in_every_language(client, counsellor_a, centre_a, language):
    visitor = make_visitor(counsellor_a, centre_a)
    SessionFactory(
        visitor=visitor,
        centre=centre_a,
        counsellor=counsellor_a,
        date=localdate() - timedelta(days=30),
        follow_up_date=localdate(),
    )
    html = _as(client, counsellor_a, language).get(reverse("home")).content.decode()
    with translation.override(language):
        today = translation.gettext("today")
    assert today not in ("today", "deset")
    assert f">{today}</span>" in html


# --- E-mails and reports -------------------------------------------------------------------


def test_it_writes_e_mail_in_the_recipients_language(db, mailoutbox):
    from returns.tasks import send_expert_activation

    albanian = UserFactory(role=Role.EXPERT, is_active=False, preferred_language="sq")
    english = UserFactory(role=Role.EXPERT, is_active=False, preferred_language="en")
    send_expert_activation(albanian.pk)
    send_expert_activation(english.pk)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    with translation.override("sq"):
        greeting = translation.gettext(
            "Please confirm your e-mail address to activate your diaspora expert account:"
        )
    assert greeting in by_recipient[albanian.email].body
    assert "Please confirm your e-mail address" not in by_recipient[albanian.email].body
    assert "Please confirm your e-mail address" in by_recipient[english.email].body


@pytest.mark.parametrize(("language", "title"), [("mk", "Резиме"), ("sr", "Резиме")])
def test_it_writes_pdf_reports_in_cyrillic(login, programme_manager, language, title):
    from pypdf import PdfReader

    from reports.models import ReportRun
    from reports.services import report_run_render

    response = login(programme_manager).post(
        reverse("reports:builder"),
        {
            "period": "year",
            "year": localdate().year,
            "indicators": ["visitors_counselled", "individual_sessions"],
            "disaggregations": ["country"],
            "output_format": "pdf",
            "language": language,
            "suppression": "on",
        },
    )
    assert response.status_code == 302
    run = ReportRun.objects.latest("pk")
    report_run_render(run_id=run.pk)
    run.refresh_from_db()
    assert run.status in (ReportRun.Status.DONE, ReportRun.Status.EMPTY), run.message
    pages = PdfReader(io.BytesIO(run.file.read())).pages
    text = "\n".join(page.extract_text() for page in pages)
    with translation.override(language):
        summary = translation.gettext("Summary")
    assert summary in text
    assert sum(ch.lower() in CYRILLIC for ch in text) > 200
    assert "Summary" not in text
    # Every piece of text, the chart's labels included, is set in the embedded font that has
    # Cyrillic: ReportLab's built-in fonts would draw empty boxes.
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in pages
        for font in page["/Resources"].get_object().get("/Font", {}).values()
    }
    assert fonts
    assert all("DejaVu" in font for font in fonts), fonts


# --- Every page ----------------------------------------------------------------------------

# A report's file needs a finished run, which the permission matrix's world does not hold.
NOT_PAGES = {"reports:run_download", "reports:run_download_format"}
PAGES = [
    route
    for route in ROUTES.values()
    if not route.is_api
    and route.method == "get"
    and route.ok == 200
    and route.data is None
    and route.name not in NOT_PAGES
]


@pytest.mark.parametrize(
    ("route", "language"),
    [(route, TRANSLATED_LANGUAGES[i % len(TRANSLATED_LANGUAGES)]) for i, route in enumerate(PAGES)],
    ids=[route.name for route in PAGES],
)
def test_it_shows_every_page_without_english(request, client, world, route, language):  # noqa: F811
    """Each page of the portal, as the first persona who may open it, in one of the languages."""
    for persona in PERSONAS:
        user = None if persona == "anonymous" else request.getfixturevalue(persona)
        if route.expected(persona, user) == 200:
            break
    else:
        pytest.fail(f"nobody may open {route.name}")
    if user is not None:
        client = _as(client, user, language)
    url = reverse(route.name, kwargs=route.kwargs(world))
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    if "html" in response.headers.get("Content-Type", ""):
        page = response.content.decode()
        assert _english_left(page, language) == []
        if "<html" in page:  # a whole page, not a fragment that htmx swaps in
            # The browser tab shows the page's title as text: no markup leaks into it.
            title = re.search(r"<title>(.*?)</title>", page, re.S)
            assert title is not None
            assert "<" not in title.group(1), title.group(1)
            assert title.group(1).strip()


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_it_lets_a_counsellor_work_through_the_day_without_english(
    client, counsellor_a, centre_a, language
):
    """A session, a group session, a referral and a follow-up, mistakes included."""
    from centres.models import PartnerOrganisation
    from counselling.models import GroupSession, Referral, Session, Topic
    from tests.centres.factories import PartnerOrganisationFactory

    partner = PartnerOrganisationFactory(country="RS", services=[PartnerOrganisation.Service.LEGAL])
    visitor = make_visitor(counsellor_a, centre_a)
    topic = Topic.objects.get(code="legal-channels")
    client = _as(client, counsellor_a, language)
    today = localdate().isoformat()

    def english_after(response):
        assert response.status_code == 200
        return _english_left(response.content.decode(), language)

    session_url = reverse("counselling:session_create", args=[visitor.code])
    # A mistake first: no topic and a duration that is not a number.
    mistaken = client.post(session_url, {"centre": centre_a.pk, "date": today, "mode": "in_person"})
    assert mistaken.context["form"].errors
    assert english_after(mistaken) == []
    session = {
        "centre": centre_a.pk,
        "date": today,
        "mode": "in_person",
        "duration_minutes": 30,
        "topics": [topic.pk],
        "follow_up_date": today,
    }
    logged = client.post(session_url, session, follow=True)
    assert english_after(logged) == []
    with translation.override(language):
        said = translation.gettext("Session logged for %(code)s.") % {"code": visitor.code}
    assert said in logged.content.decode()
    follow_up = Session.objects.get(visitor=visitor, follow_up_date=localdate())

    group_url = reverse("counselling:group_session_create")
    assert english_after(client.post(group_url, {"centre": centre_a.pk, "date": "x"})) == []
    group = {
        "centre": centre_a.pk,
        "type": GroupSession.Type.choices[0][0],
        "date": today,
        "place": "Novi Sad",
        "topics": [topic.pk],
        "total_participants": 12,
        "attendee_codes": visitor.code,
    }
    assert english_after(client.post(group_url, group, follow=True)) == []
    assert GroupSession.objects.filter(centre=centre_a, place="Novi Sad").exists()

    referral_url = reverse("counselling:referral_create", args=[visitor.code])
    assert english_after(client.post(referral_url, {"centre": centre_a.pk})) == []
    referral = {
        "centre": centre_a.pk,
        "partner": partner.pk,
        "service": PartnerOrganisation.Service.LEGAL,
        "sent_on": today,
    }
    assert english_after(client.post(referral_url, referral, follow=True)) == []
    assert Referral.objects.filter(visitor=visitor, partner=partner).exists()

    done = client.post(reverse("counselling:follow_up_done", args=[follow_up.pk]), follow=True)
    assert english_after(done) == []
