import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from outbox.models import Message
from tests.accounts.factories import PASSWORD
from tests.edits import edit_version


def test_it_signs_in_with_the_email_whatever_its_case(client, counsellor_a):
    response = client.post(
        reverse("accounts:login"),
        {"username": "Counsellor.A@Example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == counsellor_a


def test_it_refuses_a_wrong_password_with_a_message(client, counsellor_a):
    response = client.post(
        reverse("accounts:login"), {"username": counsellor_a.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert "Please enter a correct e-mail address and password" in response.content.decode()


def test_it_refuses_an_inactive_user(client, counsellor_a):
    counsellor_a.is_active = False
    counsellor_a.save()
    response = client.post(
        reverse("accounts:login"), {"username": counsellor_a.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_signs_out_on_post(login, counsellor_a):
    client = login(counsellor_a)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_it_resets_a_forgotten_password_by_email(client, counsellor_a, background_work):
    with background_work():
        client.post(reverse("accounts:password_reset"), {"email": counsellor_a.email.upper()})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [counsellor_a.email]
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a much newer passphrase", "new_password2": "a much newer passphrase"},
    )
    assert response.status_code == 302
    assert client.login(username=counsellor_a.email, password="a much newer passphrase")


def test_it_sends_no_email_for_an_unknown_address(client, db, background_work):
    with background_work():
        response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer: no one learns which addresses exist
    assert mail.outbox == []
    assert not Message.objects.exists()


def test_it_writes_the_reset_e_mail_in_the_language_the_page_was_read_in(
    counsellor_a, background_work
):
    client = Client(HTTP_ACCEPT_LANGUAGE="bs")
    with background_work():
        client.post(reverse("accounts:password_reset"), {"email": counsellor_a.email})
    (sent,) = mail.outbox
    assert sent.subject == "Ponovno postavljanje lozinke za MSC Portal"
    assert f"({counsellor_a.email})" in sent.body
    assert "/accounts/password/reset/" in sent.body


def test_it_keeps_no_reset_link_while_the_e_mail_waits(client, counsellor_a):
    """Queued, not yet sent (no worker here): the outbox holds the account's id, not a link."""
    client.post(reverse("accounts:password_reset"), {"email": counsellor_a.email})
    (queued,) = Message.objects.all()
    assert (queued.task, queued.args[0]) == ("accounts.tasks.send_password_reset", counsellor_a.pk)
    assert mail.outbox == []


def test_it_changes_the_password_after_checking_the_old_one(login, counsellor_a):
    client = login(counsellor_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "x" * 12, "new_password2": "x" * 12},
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
    )
    assert response.status_code == 302
    counsellor_a.refresh_from_db()
    assert counsellor_a.check_password("another long passphrase")


def test_it_saves_the_profile_and_shows_errors_next_to_fields(login, counsellor_a):
    client = login(counsellor_a)
    version = edit_version(client, reverse("accounts:profile"))
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "", "preferred_language": "sq", "timezone": "Mars/Olympus", **version},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page
    assert "id_timezone_error_1" in page

    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Jelena P.",
            "preferred_language": "sq",
            "timezone": "Europe/Tirane",
            **version,
        },
    )
    assert response.status_code == 302
    counsellor_a.refresh_from_db()
    assert (counsellor_a.full_name, counsellor_a.timezone) == ("Jelena P.", "Europe/Tirane")


def test_it_remembers_the_language_a_user_switches_to(login, counsellor_a):
    client = login(counsellor_a)
    response = client.post(
        reverse("accounts:set_language"), {"language": "mk", "next": reverse("home")}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=counsellor_a.pk).preferred_language == "mk"
    assert '<html lang="mk">' in client.get(reverse("home")).content.decode()


def test_it_lists_only_people_in_the_managers_scope(login, manager_a, counsellor_a, counsellor_b):
    page = login(manager_a).get(reverse("accounts:people")).content.decode()
    assert counsellor_a.email in page
    assert counsellor_b.email not in page


def test_it_lists_people_in_a_bounded_number_of_queries(
    login, coordinator_a, centre_a, django_assert_max_num_queries
):
    from tests.accounts.factories import UserFactory

    UserFactory.create_batch(30, centres=[centre_a])
    client = login(coordinator_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:people"))
    assert len(response.context["page"]) == 31


def test_it_refuses_a_new_password_shorter_than_12_characters(login, counsellor_a):
    response = login(counsellor_a).post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Short pw 11", "new_password2": "Short pw 11"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.text
