"""Centre.objects.staffed_ids and is_staffed_by answer from the user's scope what staffed_by
answers from the database: the same centres, for every kind of user."""

import pytest

from centres.models import Centre
from tests.centres.factories import CentreFactory

USERS = ["counsellor_a", "manager_a", "coordinator_a", "programme_manager", "expert", "host"]


@pytest.fixture
def centres(centre_a, centre_a2, centre_b):
    closed = CentreFactory(country="RS", code="KG", city="Kragujevac", is_active=False)
    return [centre_a, centre_a2, centre_b, closed]


@pytest.mark.parametrize("who", USERS)
def test_it_names_the_centres_staffed_by_reads(request, centres, who):
    user = request.getfixturevalue(who)
    staffed = set(Centre.objects.staffed_by(user).values_list("pk", flat=True))

    assert set(Centre.objects.staffed_ids(user)) == staffed
    assert {c.pk for c in centres if Centre.objects.is_staffed_by(c, user)} == staffed


def test_a_counsellor_staffs_their_centre_only(counsellor_a, centre_a, centres):
    assert Centre.objects.staffed_ids(counsellor_a) == {centre_a.pk}
    assert [c for c in centres if Centre.objects.is_staffed_by(c, counsellor_a)] == [centre_a]
