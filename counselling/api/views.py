from rest_framework import viewsets

from accounts.access import api_permission
from accounts.permissions import Permission
from counselling import services
from counselling.models import AuditEvent, GroupSession, Referral, Session, Visitor

from .filters import GroupSessionFilter, ReferralFilter, SessionFilter, VisitorFilter
from .serializers import (
    GroupSessionSerializer,
    ReferralSerializer,
    SessionSerializer,
    VisitorSerializer,
)

COUNSEL = api_permission(Permission.COUNSEL_VISITORS)


class VisitorViewSet(viewsets.ReadOnlyModelViewSet):
    """Visitors of the user's centres (a coordinator: country). Each answer is audited."""

    serializer_class = VisitorSerializer
    permission_classes = [COUNSEL]
    filterset_class = VisitorFilter
    lookup_field = "code"
    ordering_fields = ["created_at", "code"]

    def get_queryset(self):
        return Visitor.objects.visible_to(self.request.user).select_related("centre")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        services.visitors_viewed(
            visitors=page or [], user=self.request.user, action=AuditEvent.Action.EXPORTED
        )
        return page

    def get_object(self):
        visitor = super().get_object()
        services.audit_record(
            visitor=visitor, user=self.request.user, action=AuditEvent.Action.EXPORTED
        )
        return visitor


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    permission_classes = [COUNSEL]
    filterset_class = SessionFilter
    ordering_fields = ["date", "created_at"]

    def get_queryset(self):
        return (
            Session.objects.visible_to(self.request.user)
            .select_related("visitor")
            .prefetch_related("topics")
            .distinct()
        )


class GroupSessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GroupSessionSerializer
    permission_classes = [COUNSEL]
    filterset_class = GroupSessionFilter
    ordering_fields = ["date"]

    def get_queryset(self):
        return (
            GroupSession.objects.visible_to(self.request.user)
            .prefetch_related("topics", "facilitators", "attendees", "counts")
            .distinct()
        )


class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReferralSerializer
    permission_classes = [COUNSEL]
    filterset_class = ReferralFilter
    ordering_fields = ["sent_on", "status_changed_on"]

    def get_queryset(self):
        return (
            Referral.objects.visible_to(self.request.user)
            .select_related("visitor")
            .prefetch_related("events")
        )
