from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response

from accounts.access import api_permission
from accounts.permissions import Permission
from counselling import services
from counselling.models import AuditEvent, GroupSession, Referral, Session, Visitor
from msc_portal.concurrency import IF_MATCH, ConditionalUpdateMixin

from .filters import GroupSessionFilter, ReferralFilter, SessionFilter, VisitorFilter
from .idempotency import PARAMETER as IDEMPOTENCY_KEY
from .idempotency import RESPONSES as IDEMPOTENCY_RESPONSES
from .idempotency import idempotent
from .serializers import (
    GroupSessionCreateSerializer,
    GroupSessionSerializer,
    PresenceGrantSerializer,
    PresenceSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    ReferralTransitionSerializer,
    SessionCreateSerializer,
    SessionSerializer,
    VisitorCreatedSerializer,
    VisitorSerializer,
    VisitorUpdateSerializer,
    VisitorWriteSerializer,
)

COUNSEL = api_permission(Permission.COUNSEL_VISITORS)


def _run(service, /, **kwargs):
    """Calls a service as the page does, answering its refusals as the API does."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error
    except services.TooManyAttempts as error:
        raise Throttled(detail=str(error)) from error
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from error


def _created(serializer_class, instance, request, code=status.HTTP_201_CREATED):
    return Response(serializer_class(instance, context={"request": request}).data, status=code)


def write_schema(request, responses, **kwargs):
    """The OpenAPI of a POST with an Idempotency-Key."""
    return extend_schema(
        request=request,
        responses={**responses, **IDEMPOTENCY_RESPONSES},
        parameters=[IDEMPOTENCY_KEY],
        **kwargs,
    )


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


class VisitorViewSet(
    ConditionalUpdateMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Visitors of the user's centres (a coordinator: country). Each answer is audited.

    POST registers a visitor (services.visitor_register), PATCH updates one
    (services.visitor_update); POST …/presence/ takes the proof of presence of another
    centre's visitor, as the desk does."""

    serializer_class = VisitorSerializer
    etag_serializer_class = VisitorSerializer  # GET answers the ETag PATCH must send back
    http_method_names = ["get", "post", "patch", "head", "options"]
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
        if self.action == "retrieve":
            services.audit_record(
                visitor=visitor, user=self.request.user, action=AuditEvent.Action.EXPORTED
            )
        return visitor

    def get_serializer_class(self):
        if self.action == "create":
            return VisitorWriteSerializer
        if self.action == "partial_update":
            return VisitorUpdateSerializer
        return VisitorSerializer

    @write_schema(VisitorWriteSerializer, {201: VisitorCreatedSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = VisitorWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        profile = serializer.profile()
        duplicates = services.visitor_duplicates(
            user=request.user,
            given_name=profile.get("given_name", ""),
            family_name=profile.get("family_name", ""),
            year_of_birth=profile.get("year_of_birth"),
            phone=profile.get("phone", ""),
        )
        codes = list(duplicates.values_list("code", flat=True)[:10])
        if codes and not data["confirm_new"]:
            raise ValidationError(
                {
                    "confirm_new": [
                        _(
                            "Probably registered already: %(codes)s. Use that code, or send "
                            "confirm_new to register a different person."
                        )
                        % {"codes": ", ".join(codes)}
                    ]
                }
            )
        visitor = _run(
            services.visitor_register,
            user=request.user,
            centre=data["centre"],
            consents=serializer.consents(),
            **profile,
        )
        return _created(VisitorCreatedSerializer, visitor, request)

    @extend_schema(
        request=VisitorUpdateSerializer, responses={200: VisitorSerializer}, parameters=[IF_MATCH]
    )
    def partial_update(self, request, *args, **kwargs):
        """Updates with the ETag of the visitor as read (If-Match): 412 if changed since."""
        with transaction.atomic():
            visitor = self.get_object()
            refused = self.precondition_refused(request, visitor)
            if refused is not None:
                return refused
            serializer = VisitorUpdateSerializer(
                visitor, data=request.data, partial=True, context={"request": request}
            )
            serializer.is_valid(raise_exception=True)
            visitor.refresh_from_db()
            visitor = _run(
                services.visitor_update,
                visitor=visitor,
                user=request.user,
                **serializer.validated_data,
            )
        response = _created(VisitorSerializer, visitor, request, code=status.HTTP_200_OK)
        response["ETag"] = self.etag_for(visitor)
        return response

    @write_schema(
        PresenceSerializer, {201: PresenceGrantSerializer}, operation_id="visitor_presence"
    )
    @action(detail=True, methods=["post"], serializer_class=PresenceSerializer)
    @idempotent
    def presence(self, request, code=None):
        """Another centre's visitor is present: their proof opens them for one visit."""
        visitor = _run(services.visitor_find_by_code, user=request.user, raw_code=code or "")
        if visitor is None or visitor.code != code:
            raise Http404
        serializer = PresenceSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        grant = _run(
            services.presence_confirm,
            user=request.user,
            visitor=visitor,
            **serializer.validated_data,
        )
        data = {"visitor": visitor.code, "centre": grant.centre_id, "expires_at": grant.expires_at}
        return Response(PresenceGrantSerializer(data).data, status=status.HTTP_201_CREATED)


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

    @write_schema(SessionCreateSerializer, {201: SessionSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = SessionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        session = _run(services.session_log, user=request.user, source=Session.Source.API, **data)
        return _created(SessionSerializer, session, request)

    @write_schema(None, {200: SessionSerializer}, operation_id="session_follow_up_done")
    @action(detail=True, methods=["post"], url_path="follow-up-done")
    @idempotent
    def follow_up_done(self, request, pk=None):
        """The follow-up of this session is done (as on the counsellor's home page)."""
        session = self.get_object()
        session = _run(services.session_follow_up_done, session=session, user=request.user)
        return _created(SessionSerializer, session, request, code=status.HTTP_200_OK)


class GroupSessionViewSet(AuditedReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = GroupSessionSerializer
    permission_classes = [COUNSEL]
    filterset_class = GroupSessionFilter
    ordering_fields = ["date"]

    def get_queryset(self):
        return GroupSession.objects.visible_to(self.request.user).prefetch_related(
            "topics", "facilitators", "attendees", "counts"
        )

    def get_serializer_class(self):
        return GroupSessionCreateSerializer if self.action == "create" else GroupSessionSerializer

    @write_schema(GroupSessionCreateSerializer, {201: GroupSessionSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = GroupSessionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if data.get("date") is None:
            data.pop("date", None)
        group = _run(
            services.group_session_log,
            user=request.user,
            centre=data.pop("centre"),
            topics=data.pop("topics"),
            facilitators=data.pop("facilitators") or [request.user],
            attendees=data.pop("attendees"),
            counts=data.pop("counts"),
            **data,
        )
        return _created(GroupSessionSerializer, group, request)


class ReferralViewSet(AuditedReadMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
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

    def get_serializer_class(self):
        if self.action == "create":
            return ReferralCreateSerializer
        if self.action == "transition":
            return ReferralTransitionSerializer
        return ReferralSerializer

    @write_schema(ReferralCreateSerializer, {201: ReferralSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = ReferralCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        referral = _run(services.referral_create, user=request.user, **data)
        return _created(ReferralSerializer, referral, request)

    @write_schema(
        ReferralTransitionSerializer, {200: ReferralSerializer}, operation_id="referral_transition"
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def transition(self, request, pk=None):
        """Follow the referral up: its next status, the date and an outcome note."""
        referral = self.get_object()
        serializer = ReferralTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = _run(
            services.referral_transition,
            referral=referral,
            user=request.user,
            status=data["status"],
            on=data.get("date"),
            note=data["note"],
        )
        return _created(ReferralSerializer, referral, request, code=status.HTTP_200_OK)
