import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from returns.models import Host, HostMembership, Need

from .factories import HostFactory, NeedFactory, SectorFactory

pytestmark = pytest.mark.django_db


def _without_csrf(page: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", page)  # CSRF tokens differ from one page to the next


def _registration(**extra):
    return {
        "name": "University of Novi Sad, Faculty of Medicine",
        "kind": "university",
        "country": "RS",
        "city": "Novi Sad",
        "sector": SectorFactory().pk,
        "focal_point_name": "Dr. Mira Focal",
        "focal_point_email": "focal@uns.example.org",
        "you-full_name": "Dragana Ilić",
        "you-email": "Dragana@UNS.example.org",
        "you-password": "a long enough passphrase 42",
        **extra,
    }


def test_it_registers_an_institution_and_its_first_member(client):
    response = client.post(reverse("returns:host_register"), _registration())
    assert response.status_code == 302
    host = Host.objects.get()
    user = User.objects.get(email="dragana@uns.example.org")
    assert user.role == Role.HOST_MEMBER
    assert HostMembership.objects.filter(host=host, user=user).exists()
    assert not host.is_verified


def test_it_answers_a_registration_with_an_existing_address_as_any_other(
    client, expert, django_capture_on_commit_callbacks
):
    new = client.post(reverse("returns:host_register"), _registration(), follow=True)
    Host.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        existing = client.post(
            reverse("returns:host_register"),
            _registration(**{"you-email": expert.email.upper()}),
            follow=True,
        )
    assert existing.redirect_chain == new.redirect_chain
    assert _without_csrf(existing.text) == _without_csrf(new.text)
    assert not Host.objects.exists()
    # The owner of the address learns of it, by e-mail, with the way to sign in.
    assert [m.to for m in mail.outbox] == [[expert.email]]
    assert "already has an account" in mail.outbox[0].body
    assert reverse("accounts:password_reset") in mail.outbox[0].body


def test_it_lets_a_member_register_another_institution(login, host):
    data = {k: v for k, v in _registration().items() if not k.startswith("you-")}
    response = login(host).post(reverse("returns:host_register"), data)
    new = Host.objects.get()
    assert response.url == reverse("returns:host_detail", args=[new.pk])
    assert new.memberships.get().user == host


def test_it_lets_an_unverified_host_draft_but_not_submit(login, host):
    unverified = HostFactory(members=[host], verified_at=None)
    need = NeedFactory(host=unverified, status=Need.Status.DRAFT)
    response = login(host).post(
        reverse("returns:need_move", args=[need.pk]), {"target": "submitted"}, follow=True
    )
    assert "The programme has not verified this institution yet." in response.text
    need.refresh_from_db()
    assert need.status == Need.Status.DRAFT


def test_it_lets_the_programme_verify_an_institution(login, programme_manager):
    host = HostFactory(verified_at=None)
    login(programme_manager).post(reverse("returns:host_verify", args=[host.pk]))
    host.refresh_from_db()
    assert host.is_verified
    assert host.verified_by == programme_manager


def test_it_invites_a_colleague_who_joins_with_a_new_account(
    client, login, host, django_capture_on_commit_callbacks
):
    institution = HostFactory(members=[host])
    with django_capture_on_commit_callbacks(execute=True):
        login(host).post(
            reverse("returns:host_invite", args=[institution.pk]),
            {"email": "colleague@example.org"},
        )
    assert mail.outbox[0].to == ["colleague@example.org"]
    path = re.search(r"https?://[^/]+(/returns/invitations/\S+/)", mail.outbox[0].body).group(1)
    assert "colleague" not in path  # the link carries a signed id, not the address
    client.logout()
    response = client.post(
        path, {"full_name": "Colleague", "password": "another long passphrase 7"}
    )
    assert response.url == reverse("accounts:login")
    colleague = User.objects.get(email="colleague@example.org")
    assert institution.memberships.filter(user=colleague).exists()
    again = client.get(path)
    assert "invalid, expired or already used" in again.text


def test_it_lets_a_signed_in_host_member_accept_an_invitation(login, host):
    from returns import services

    institution = HostFactory()
    invitation = services.host_invite(
        host=institution, email=host.email, actor=_member_of(institution)
    )
    path = reverse("returns:invitation_accept", args=[services.invitation_token(invitation)])
    assert login(host).post(path).url == reverse("home")
    assert institution.memberships.filter(user=host).exists()


def test_it_refuses_an_invitation_accepted_by_another_account(login, expert):
    from returns import services

    institution = HostFactory()
    invitation = services.host_invite(
        host=institution, email="someone.else@example.org", actor=_member_of(institution)
    )
    path = reverse("returns:invitation_accept", args=[services.invitation_token(invitation)])
    response = login(expert).post(path)
    assert "This invitation is for another e-mail address." in response.text
    assert not institution.memberships.filter(user=expert).exists()


def _member_of(institution):
    from tests.accounts.factories import UserFactory

    member = UserFactory(role=Role.HOST_MEMBER)
    HostMembership.objects.create(host=institution, user=member)
    return member


def test_it_does_not_let_a_non_member_invite(login, host):
    other = HostFactory()
    response = login(host).post(
        reverse("returns:host_invite", args=[other.pk]), {"email": "x@example.org"}
    )
    assert response.status_code == 404


def test_it_shows_a_host_member_only_their_institutions(login, host):
    mine, theirs = HostFactory(members=[host]), HostFactory()
    client = login(host)
    assert client.get(reverse("returns:host_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("returns:host_detail", args=[theirs.pk])).status_code == 404
