"""Issue 12, point 4: staff access is granted in the portal by those who own the decision, with
an audit entry; administrators stay technical and cannot grant it to anyone in /admin/."""

from axes.models import AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from counselling.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.counselling.factories import make_visitor

GRANT = reverse("accounts:access_grant")


def _grant(client, person, role, centres=(), **data):
    return client.post(
        GRANT, {"email": person.email, "role": role, "centres": [c.pk for c in centres], **data}
    )


def test_it_lets_a_centre_manager_grant_their_centre(login, manager_a, counsellor_a, centre_a):
    make_visitor(counsellor_a, centre_a, family_name="Berisha")
    newcomer = UserFactory(email="new.colleague@example.org", role=Role.HOST_MEMBER)
    response = _grant(login(manager_a), newcomer, Role.COUNSELLOR, [centre_a])
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.role == Role.COUNSELLOR
    assert list(newcomer.centres.all()) == [centre_a]
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_GRANTED)
    assert event.user == manager_a
    assert event.centre == centre_a
    assert f"user {newcomer.pk}" in event.detail
    assert "Berisha" in login(newcomer).get(reverse("counselling:visitor_list")).text


def test_it_keeps_a_centre_manager_to_their_own_centre_and_roles(
    login, manager_a, centre_b, coordinator_a
):
    newcomer = UserFactory(role=Role.EXPERT)
    client = login(manager_a)
    assert _grant(client, newcomer, Role.COUNSELLOR, [centre_b]).status_code == 200
    assert _grant(client, newcomer, Role.COUNTRY_COORDINATOR, country="RS").status_code == 200
    # Nobody raises their own access, nor changes the access of the person above them.
    assert _grant(client, manager_a, Role.CENTRE_MANAGER, []).status_code == 200
    assert _grant(client, coordinator_a, Role.COUNSELLOR, []).status_code == 200
    newcomer.refresh_from_db()
    coordinator_a.refresh_from_db()
    assert newcomer.role == Role.EXPERT
    assert not newcomer.centres.exists()
    assert coordinator_a.role == Role.COUNTRY_COORDINATOR
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_GRANTED).exists()


def test_it_lets_a_coordinator_grant_their_country_and_the_programme_a_coordinator(
    login, coordinator_a, programme_manager, centre_a2, centre_b
):
    newcomer = UserFactory(role=Role.EXPERT)
    assert _grant(login(coordinator_a), newcomer, Role.COUNSELLOR, [centre_b]).status_code == 200
    assert (
        _grant(login(coordinator_a), newcomer, Role.CENTRE_MANAGER, [centre_a2]).status_code == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.role == Role.CENTRE_MANAGER
    assert list(newcomer.centres.all()) == [centre_a2]
    response = _grant(login(programme_manager), newcomer, Role.COUNTRY_COORDINATOR, country="AL")
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.country.code) == (Role.COUNTRY_COORDINATOR, "AL")
    assert not newcomer.centres.exists()


def test_it_gives_an_administrator_no_personal_data_access_in_the_portal(
    login, programme_manager, administrator, centre_a
):
    response = _grant(login(programme_manager), administrator, Role.PROGRAMME_MANAGER)
    assert "An administrator&#x27;s account stays technical" in response.text
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert login(administrator).get(GRANT).status_code == 403


def test_it_keeps_role_centres_and_country_read_only_in_the_admin(
    login, administrator, counsellor_a, centre_a, centre_b
):
    client = login(administrator)
    for person in (counsellor_a, administrator):
        url = reverse("admin:accounts_user_change", args=[person.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert 'name="role"' not in page.text
        assert 'name="country"' not in page.text
        assert 'name="memberships-0-centre"' not in page.text
        data = {
            "email": person.email,
            "full_name": person.full_name,
            "preferred_language": "en",
            "timezone": person.timezone,
            "is_active": "on",
            "role": Role.PROGRAMME_MANAGER,
            "country": "RS",
            "is_superuser": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-centre": centre_b.pk,
            "memberships-0-user": person.pk,
        }
        client.post(url, data)
    counsellor_a.refresh_from_db()
    administrator.refresh_from_db()
    assert counsellor_a.role == Role.COUNSELLOR
    assert list(counsellor_a.centres.all()) == [centre_a]
    assert not counsellor_a.is_superuser
    assert administrator.role == Role.ADMINISTRATOR
    assert not administrator.centres.exists()
    assert not administrator.country


def test_it_creates_accounts_in_the_admin_only_without_personal_data_access(login, administrator):
    client = login(administrator)
    data = {
        "email": "new.manager@example.org",
        "full_name": "New Manager",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
        "role": Role.CENTRE_MANAGER,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200  # the form refuses the role
    assert (
        Role.CENTRE_MANAGER.value not in response.text.split('name="role"')[1].split("</select>")[0]
    )
    response = client.post(reverse("admin:accounts_user_add"), {**data, "role": Role.HOST_MEMBER})
    assert response.status_code == 302
    assert User.objects.get(email="new.manager@example.org").role == Role.HOST_MEMBER


def test_it_shows_no_visitor_data_in_the_admin(login, administrator, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a, family_name="Berisha")
    client = login(administrator)
    index = client.get(reverse("admin:index")).text
    assert "Visitor" not in index
    for url in (
        "/admin/counselling/visitor/",
        f"/admin/counselling/visitor/{visitor.pk}/change/",
        "/admin/counselling/session/",
        "/admin/counselling/auditevent/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404)
        assert "Berisha" not in response.text


def test_it_keeps_sign_in_logs_from_deletion_in_the_admin(login, administrator, counsellor_a):
    Client().post(
        reverse("accounts:login"), {"username": counsellor_a.email, "password": "wrong password"}
    )
    failure = AccessFailureLog.objects.get(username=counsellor_a.email)
    client = login(administrator)
    success = AccessLog.objects.get(username=administrator.email)
    for name, pk in [("accessfailurelog", failure.pk), ("accesslog", success.pk)]:
        assert client.get(reverse(f"admin:axes_{name}_changelist")).status_code == 200
        delete = reverse(f"admin:axes_{name}_delete", args=[pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessFailureLog.objects.filter(pk=failure.pk).exists()
    assert AccessLog.objects.filter(pk=success.pk).exists()
