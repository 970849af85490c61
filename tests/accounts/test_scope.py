"""Each access rule of accounts/: whose data a person's role and memberships let them see."""

import pytest

from accounts.models import User
from centres.models import Centre


def test_it_gives_centre_staff_their_own_centres_only(counsellor_a, centre_a, centre_a2, centre_b):
    assert set(Centre.objects.staffed_by(counsellor_a)) == {centre_a}


def test_it_gives_a_coordinator_every_centre_of_their_country(
    coordinator_a, centre_a, centre_a2, centre_b
):
    assert set(Centre.objects.staffed_by(coordinator_a)) == {centre_a, centre_a2}


def test_it_gives_the_programme_manager_the_whole_network(
    programme_manager, centre_a, centre_a2, centre_b
):
    assert set(Centre.objects.staffed_by(programme_manager)) == {centre_a, centre_a2, centre_b}


@pytest.mark.parametrize("persona", ["expert", "host", "administrator"])
def test_it_gives_people_outside_the_centres_no_centre(request, persona, centre_a, centre_b):
    user = request.getfixturevalue(persona)
    assert not user.scope.has_centres
    assert not Centre.objects.staffed_by(user).exists()


def test_it_drops_a_closed_centre_from_its_staff_scope(counsellor_a, centre_a):
    centre_a.is_active = False
    centre_a.save()
    counsellor_a = User.objects.get(pk=counsellor_a.pk)
    assert not Centre.objects.staffed_by(counsellor_a).exists()


def test_it_shows_a_counsellor_only_themselves(counsellor_a, manager_a, counsellor_b):
    assert list(User.objects.visible_to(counsellor_a)) == [counsellor_a]


def test_it_shows_a_centre_manager_the_staff_of_their_centre(
    manager_a, counsellor_a, counsellor_a2, counsellor_b, expert
):
    assert set(User.objects.visible_to(manager_a)) == {manager_a, counsellor_a}


def test_it_shows_a_coordinator_the_staff_of_their_country(
    coordinator_a, manager_a, counsellor_a, counsellor_a2, counsellor_b, host
):
    assert set(User.objects.visible_to(coordinator_a)) == {
        coordinator_a,
        manager_a,
        counsellor_a,
        counsellor_a2,
    }


@pytest.mark.parametrize("persona", ["expert", "host"])
def test_it_shows_experts_and_hosts_only_themselves(request, persona, counsellor_a, expert, host):
    user = request.getfixturevalue(persona)
    assert list(User.objects.visible_to(user)) == [user]


def test_it_shows_the_programme_manager_everyone(programme_manager, counsellor_a, expert):
    assert User.objects.visible_to(programme_manager).count() == User.objects.count()
