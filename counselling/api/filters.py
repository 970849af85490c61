import django_filters

from counselling.models import GroupSession, Referral, Session, Visitor
from msc_portal.api import IdFilter


class VisitorFilter(django_filters.FilterSet):
    registered_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    registered_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Visitor
        fields = ["centre", "sex", "migration_status", "code"]


class SessionFilter(django_filters.FilterSet):
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    topic = django_filters.CharFilter(field_name="topics__code")
    visitor = django_filters.CharFilter(field_name="visitor__code")

    class Meta:
        model = Session
        fields = ["centre", "counsellor", "mode", "follow_up_done"]


class GroupSessionFilter(django_filters.FilterSet):
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    topic = django_filters.CharFilter(field_name="topics__code")
    facilitator = IdFilter(field_name="facilitators")

    class Meta:
        model = GroupSession
        fields = ["centre", "type"]


class ReferralFilter(django_filters.FilterSet):
    sent_after = django_filters.DateFilter(field_name="sent_on", lookup_expr="gte")
    sent_before = django_filters.DateFilter(field_name="sent_on", lookup_expr="lte")
    counsellor = IdFilter(field_name="created_by")

    class Meta:
        model = Referral
        fields = ["centre", "status", "partner", "service"]
