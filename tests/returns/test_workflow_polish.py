"""What stopped real use of the TVR workflow: sign-in from a public need, the host's own
workspace, filtered lists behind the home counts, moves that say what comes next, e-mails."""

import pytest
from django.core import mail
from django.urls import reverse

from returns.models import Application, Need

from .factories import ApplicationFactory, ExpertProfileFactory, HostFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_a_public_need_leads_to_sign_in_or_sign_up_and_back_to_the_application(client):
    need = NeedFactory()
    apply_url = reverse("returns:application_create", args=[need.pk])
    page = client.get(reverse("returns:need_detail", args=[need.pk])).text
    assert f"{reverse('accounts:login')}?next={apply_url}" in page
    assert f"{reverse('returns:expert_register')}?next={apply_url}" in page
    # registering remembers where to go after activation
    client.get(reverse("returns:expert_register"), {"next": apply_url})
    assert client.session["returns:after-activation"] == apply_url
    client.get(reverse("returns:expert_register"), {"next": "https://evil.example.com/"})
    assert client.session["returns:after-activation"] == apply_url


def test_an_expert_who_applied_sees_their_application_instead_of_apply(login, expert):
    profile = ExpertProfileFactory(user=expert)
    application = ApplicationFactory(expert=profile)
    page = login(expert).get(reverse("returns:need_detail", args=[application.need.pk])).text
    assert reverse("returns:application_detail", args=[application.pk]) in page


def test_the_hosts_workspace_shows_its_own_needs_only(login, host):
    own = NeedFactory(host=HostFactory(members=[host]), status=Need.Status.DRAFT)
    NeedFactory(title="Someone else's need")  # another institution's published need
    page = login(host).get(reverse("returns:need_manage"))
    assert list(page.context["page"]) == [own]
    assert "Someone else" not in page.text


def test_the_home_counts_link_to_filtered_lists(login, programme_manager):
    submitted = ApplicationFactory(status=Application.Status.SUBMITTED)
    screening = ApplicationFactory(status=Application.Status.SCREENING)
    ApplicationFactory(status=Application.Status.PROPOSED)
    client = login(programme_manager)
    home = client.get(reverse("home")).text
    link = f"{reverse('returns:application_list')}?to=screen"
    assert link in home
    listed = client.get(link).context["page"]
    assert set(listed) == {submitted, screening}
    chosen = client.get(reverse("returns:application_list"), {"status": "screening"})
    assert list(chosen.context["page"]) == [screening]
    assert f"{reverse('returns:host_list')}?to=verify" in home
    unverified = HostFactory(verified_at=None)
    HostFactory()
    hosts = client.get(reverse("returns:host_list"), {"to": "verify"}).context["page"]
    assert list(hosts) == [unverified]


def test_a_move_says_what_comes_next_and_e_mails_the_people_concerned(
    login, host, programme_manager, django_capture_on_commit_callbacks
):
    need = NeedFactory(host=HostFactory(members=[host]), status=Need.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(host).post(
            reverse("returns:need_move", args=[need.pk]), {"target": "submitted"}, follow=True
        )
    assert "The programme checks it and publishes it" in response.text
    assert [m.to for m in mail.outbox] == [[programme_manager.email]]
    assert "Submitted for approval" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(programme_manager).post(
            reverse("returns:need_move", args=[need.pk]), {"target": "published"}, follow=True
        )
    assert "experts can find it and apply" in response.text
    assert [m.to for m in mail.outbox] == [[host.email]]


def test_host_verification_is_e_mailed_to_its_members(
    login, host, programme_manager, django_capture_on_commit_callbacks
):
    institution = HostFactory(members=[host], verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(programme_manager).post(
            reverse("returns:host_verify", args=[institution.pk]), follow=True
        )
    assert "can now submit skill needs" in response.text
    assert [m.to for m in mail.outbox] == [[host.email]]
    assert institution.name in mail.outbox[0].subject
