import json
import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role, User
from returns.forms import CV_MAX_BYTES
from returns.models import Application, ExpertProfile, ExpertReport, StatusChange
from tests.edits import edit_version

from .factories import (
    ApplicationFactory,
    AssignmentFactory,
    ExpertProfileFactory,
    HostFactory,
    NeedFactory,
    SectorFactory,
    SkillFactory,
)
from .routes import PDF

pytestmark = pytest.mark.django_db


def test_it_registers_an_expert_who_activates_by_e_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("returns:expert_register"),
            {
                "full_name": "Arben Krasniqi",
                "email": "arben@example.org",
                "password": "a long enough passphrase 42",
                "consent": "on",
            },
        )
    assert "Check your e-mail" in response.text
    user = User.objects.get(email="arben@example.org")
    assert user.role == Role.EXPERT
    assert not user.is_active
    assert user.expert_profile.consent_at
    assert not client.login(username="arben@example.org", password="a long enough passphrase 42")

    link = re.search(r"https?://[^/]+(/returns/experts/activate/\S+/)", mail.outbox[0].body)
    assert "arben" not in link.group(1)
    assert client.get(link.group(1)).url == reverse("accounts:login")
    assert client.login(username="arben@example.org", password="a long enough passphrase 42")
    assert "invalid or was used already" in client.get(link.group(1)).text


def test_it_requires_consent_to_register(client):
    response = client.post(
        reverse("returns:expert_register"),
        {"full_name": "A", "email": "a@example.org", "password": "a long enough passphrase 42"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="a@example.org").exists()


def test_it_saves_the_expert_s_profile_with_skills_languages_and_availability(login, expert):
    ExpertProfileFactory(user=expert)
    skill, sector = SkillFactory(name="Ventilation"), SectorFactory()
    client = login(expert)
    response = client.post(
        reverse("returns:expert_profile"),
        {
            **edit_version(client, reverse("returns:expert_profile")),
            "country_of_origin": "XK",
            "country_of_residence": "AT",
            "city_of_residence": "Vienna",
            "citizenships": ["AT"],
            "residence_status": "citizen",
            "sectors": [sector.pk],
            "isced_level": 8,
            "field_of_education": "Medicine",
            "years_experience": 12,
            "preferred_mode": "virtual",
            "bio": "Anaesthetist.",
            "skill-TOTAL_FORMS": 1,
            "skill-INITIAL_FORMS": 0,
            "skill-0-skill": skill.pk,
            "skill-0-proficiency": 4,
            "lang-TOTAL_FORMS": 2,
            "lang-INITIAL_FORMS": 0,
            "lang-0-language": "sq",
            "lang-0-level": "C2",
            "lang-1-language": "de",
            "lang-1-level": "C1",
            "avail-TOTAL_FORMS": 1,
            "avail-INITIAL_FORMS": 0,
            "avail-0-start": "2027-03-01",
            "avail-0-end": "2027-04-30",
        },
    )
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=expert)
    assert profile.city_of_residence == "Vienna"
    assert [(s.skill.name, s.proficiency) for s in profile.skills.all()] == [("Ventilation", 4)]
    assert {(x.language, x.level) for x in profile.languages.all()} == {("sq", "C2"), ("de", "C1")}
    assert str(profile.availabilities.get()) == "2027-03-01 – 2027-04-30"


def _upload(client, content: bytes, name="cv.pdf"):
    return client.post(
        reverse("returns:expert_cv_upload"),
        {"cv": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_it_stores_a_real_pdf_under_a_random_private_name(login, expert, settings):
    profile = ExpertProfileFactory(user=expert)
    response = _upload(login(expert), PDF, name="Arben_Krasniqi_CV.pdf")
    assert response.status_code == 302
    profile.refresh_from_db()
    assert "Krasniqi" not in profile.cv.name
    assert (settings.MEDIA_ROOT / "private" / profile.cv.name).read_bytes() == PDF


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Name: Arben\nExperience: 10 years\n", "this file is not a PDF, whatever its name says"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "this file is not a PDF"),
        (b"%PDF-1.7\nthis is not really a pdf", "This PDF cannot be read"),
        (b"%PDF-" + b"0" * CV_MAX_BYTES, "The CV may be at most 5 MB."),
    ],
)
def test_it_refuses_a_cv_that_is_not_a_readable_pdf(login, expert, content, message):
    profile = ExpertProfileFactory(user=expert)
    response = _upload(login(expert), content)
    assert message in response.text
    profile.refresh_from_db()
    assert not profile.cv


def test_it_serves_a_cv_only_to_those_allowed(login, expert, host, programme_manager, counsellor_a):
    profile = ExpertProfileFactory(user=expert)
    profile.cv.save("cv.pdf", ContentFile(PDF))
    url = reverse("returns:expert_cv", args=[profile.pk])
    assert b"".join(login(expert).get(url).streaming_content) == PDF
    assert login(programme_manager).get(url).status_code == 200
    assert login(counsellor_a).get(url).status_code == 403
    # A host member sees it once the expert is proposed to their institution, not before.
    application = ApplicationFactory(
        expert=profile, need=NeedFactory(host=HostFactory(members=[host]))
    )
    assert login(host).get(url).status_code == 404
    application.status, application.proposed_at = "proposed", application.created_at
    application.save()
    assert login(host).get(url).status_code == 200
    other_expert = ExpertProfileFactory()
    assert login(other_expert.user).get(url).status_code == 404


def test_it_lets_an_expert_download_their_data(login, expert):
    profile = ExpertProfileFactory(user=expert, skills=[SkillFactory(name="Triage")])
    ApplicationFactory(expert=profile, need=NeedFactory(title="ICU training"))
    assignment = AssignmentFactory(application__expert=profile, status="reported")
    ExpertReport.objects.create(
        assignment=assignment, activities="Workshops", outputs="Protocol", people_trained=12
    )
    response = login(expert).get(reverse("returns:expert_export"))
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == expert.email
    assert data["profile"]["city_of_residence"] == "Berlin"
    assert data["skills"] == [{"skill": "Triage", "proficiency": 3}]
    assert "ICU training" in {row["need"] for row in data["applications"]}
    assert data["assignments"][0]["report"]["people_trained"] == 12


def test_it_deletes_an_account_and_keeps_anonymous_statistics(
    login, expert, settings, django_capture_on_commit_callbacks
):
    profile = ExpertProfileFactory(user=expert)
    profile.cv.save("cv.pdf", ContentFile(PDF))
    cv_path = settings.MEDIA_ROOT / "private" / profile.cv.name
    application = ApplicationFactory(expert=profile)
    StatusChange.objects.create(
        application=application, from_status="", to_status="submitted", comment="Call me on +381 64"
    )
    client = login(expert)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("returns:expert_delete"), {"confirm": "on"})
    assert "Your account and personal data are deleted." in response.text
    assert not User.objects.filter(email=expert.email).exists()
    assert not cv_path.exists()
    profile.refresh_from_db()
    assert profile.user is None
    assert profile.city_of_residence == ""
    assert profile.bio == ""
    assert profile.anonymised_at
    application = Application.objects.get()
    assert application.motivation == ""
    assert application.status == "submitted"  # the statistics remain
    assert application.changes.get().comment == ""
    assert client.get(reverse("returns:expert_profile")).status_code == 302  # signed out


def test_it_answers_an_expert_sign_up_with_an_existing_address_as_any_other(
    client, host, django_capture_on_commit_callbacks
):
    def sign_up(email):
        data = {
            "full_name": "Arben Krasniqi",
            "email": email,
            "password": "a long enough passphrase 42",
            "consent": "on",
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("returns:expert_register"), data)

    new, existing = sign_up("arben@example.org"), sign_up(host.email)
    assert existing.status_code == new.status_code == 200
    assert re.sub(r"[A-Za-z0-9]{64}", "", existing.text) == re.sub(r"[A-Za-z0-9]{64}", "", new.text)
    assert User.objects.get(email=host.email).role == Role.HOST_MEMBER  # unchanged
    assert [m.to for m in mail.outbox] == [["arben@example.org"], [host.email]]
    assert "already has an account" in mail.outbox[1].body


def test_it_refuses_a_password_shorter_than_12_characters(client):
    response = client.post(
        reverse("returns:expert_register"),
        {"full_name": "A", "email": "a@example.org", "password": "short pass1", "consent": "on"},
    )
    assert "at least 12 characters" in response.text
    assert not User.objects.filter(email="a@example.org").exists()


def test_it_answers_a_missing_cv_file_with_a_clear_page(login, expert, programme_manager, caplog):
    profile = ExpertProfileFactory(user=expert)
    profile.cv.save("cv.pdf", ContentFile(PDF))
    profile.cv.storage.delete(profile.cv.name)  # a restore without its media
    response = login(programme_manager).get(reverse("returns:expert_cv", args=[profile.pk]))
    assert response.status_code == 410
    assert "The CV file of this expert is missing" in response.text
    assert f"Expert {profile.pk}: CV file" in caplog.text


def test_it_sends_the_activation_e_mail_again_without_telling_who_has_an_account(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("returns:expert_register"),
            {
                "full_name": "Arben Krasniqi",
                "email": "arben@example.org",
                "password": "a long enough passphrase 42",
                "consent": "on",
            },
        )
    mail.outbox.clear()
    url = reverse("returns:activation_resend")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": "Arben@example.org"})
        unknown = client.post(url, {"email": "nobody@example.org"})
    assert known.context["message"] == unknown.context["message"]
    assert "If an account waits for activation" in known.text
    (resent,) = mail.outbox
    assert resent.to == ["arben@example.org"]
    assert "/returns/experts/activate/" in resent.body
