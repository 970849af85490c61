from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.access import api_permission
from accounts.permissions import Permission
from counselling import services
from counselling.models import AuditEvent, GroupSession, Referral, Session, Visitor

from .filters import GroupSessionFilter, ReferralFilter, SessionFilter, VisitorFilter
from .serializers import (
    GroupSessionSerializer,
    ReferralSerializer,
    SessionCreateSerializer,
    SessionSerializer,
    VisitorSerializer,
)

COUNSEL = api_permission(Permission.COUNSEL_VISITORS)


class AuditedReadMixin:
    """Writes one audit row per API read: a page of a list with its number of rows, or one
    object with the visitor it concerns."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        services.audit_record(
            user=self.request.user,
            action=AuditEvent.Action.API_READ,
            count=len(page or []),
            detail=self.basename,
        )
        return page

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        services.audit_record(
            user=request.user,
            action=AuditEvent.Action.API_READ,
            visitor=getattr(instance, "visitor", None),
            centre=instance.centre_id,
            detail=f"{self.basename} {instance.pk}",
        )
        return Response(self.get_serializer(instance).data)


class VisitorViewSet(viewsets.ReadOnlyModelViewSet):
    """Visitors of the user's centres (a coordinator: country). Each answer is audited."""

    serializer_class = VisitorSerializer
    permission_classes = [COUNSEL]
    filterset_class = VisitorFilter
    lookup_field = "code"
    lookup_query_params = ["code"]  # a stricter rate for guessing codes (LookupRateThrottle)
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


class SessionViewSet(AuditedReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Sessions of the user's visitors; POST logs one (visitor by code, topics by code)."""

    serializer_class = SessionSerializer
    permission_classes = [COUNSEL]
    filterset_class = SessionFilter
    lookup_query_params = ["visitor"]  # sessions by visitor code: a look-up too
    ordering_fields = ["date", "created_at"]

    def get_queryset(self):
        return (
            Session.objects.visible_to(self.request.user)
            .select_related("visitor")
            .prefetch_related("topics")
        )

    def get_serializer_class(self):
        return SessionCreateSerializer if self.action == "create" else SessionSerializer

    def create(self, request, *args, **kwargs):
        serializer = SessionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            session = services.session_log(user=request.user, source=Session.Source.API, **data)
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        output = SessionSerializer(session, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class GroupSessionViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GroupSessionSerializer
    permission_classes = [COUNSEL]
    filterset_class = GroupSessionFilter
    ordering_fields = ["date"]

    def get_queryset(self):
        return GroupSession.objects.visible_to(self.request.user).prefetch_related(
            "topics", "facilitators", "attendees", "counts"
        )


class ReferralViewSet(AuditedReadMixin, viewsets.ReadOnlyModelViewSet):
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
