from django.db.models import Count, Sum

from accounts import demo as accounts_demo
from centres import demo as centres_demo
from counselling import codes
from counselling import demo as counselling_demo
from counselling.models import GroupSession, Referral, Session, Visitor


def test_it_seeds_a_consistent_counselling_demo_once(db, settings):
    settings.DEMO_VISITORS_PER_COUNTRY = 80
    messages = []
    for seed in (centres_demo.seed, accounts_demo.seed, counselling_demo.seed):
        seed(messages.append)
    counts = (Visitor.objects.count(), Session.objects.count())
    counselling_demo.seed(messages.append)
    assert (Visitor.objects.count(), Session.objects.count()) == counts
    assert counts[0] == 6 * 80
    assert counts[1] > counts[0]
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert all(codes.is_valid(code) for code in Visitor.objects.values_list("code", flat=True))
    registered = dict(GroupSession.objects.annotate(n=Count("attendees")).values_list("pk", "n"))
    counted = dict(GroupSession.objects.annotate(n=Sum("counts__count")).values_list("pk", "n"))
    totals = dict(GroupSession.objects.values_list("pk", "total_participants"))
    assert all(registered[pk] + (counted[pk] or 0) <= totals[pk] for pk in totals)
    assert not Visitor.objects.filter(consent_service=False).exclude(given_name="").exists()
