"""The TVR API: the same access rules as the pages (permissions table, then visible_to)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.access import api_permission
from accounts.permissions import Permission
from msc_portal.concurrency import IF_MATCH, ConditionalUpdateMixin
from returns import services
from returns.filters import NeedFilter
from returns.models import Application, Assignment, ExpertProfile, Need, Programme

from .serializers import (
    ApplicationSerializer,
    AssignmentSerializer,
    ExpertProfileSerializer,
    MoveSerializer,
    NeedSerializer,
    NeedWriteSerializer,
)


def _call(service, **kwargs):
    """Runs a service; its validation errors become a 400 with the messages."""
    try:
        return service(**kwargs)
    except DjangoValidationError as error:
        raise ValidationError(
            error.message_dict if hasattr(error, "error_dict") else error.messages
        ) from error


class _MoveMixin:
    move_service = None
    move_kwarg = ""

    @action(detail=True, methods=["post"], serializer_class=MoveSerializer)
    def move(self, request, pk=None):
        """Moves the object to `target`, if the transition table allows the user's role."""
        obj = self.get_object()
        payload = MoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        extra = {"comment": payload.validated_data["comment"]} if self.move_kwarg != "need" else {}
        _call(
            type(self).move_service,
            **{self.move_kwarg: obj},
            target=payload.validated_data["target"],
            actor=request.user,
            **extra,
        )
        obj.refresh_from_db()
        return Response(type(self).serializer_class(obj).data)


class NeedViewSet(_MoveMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Skill needs: published ones for everyone signed in; a host's own; all for the programme.
    Host members create drafts for their institutions."""

    serializer_class = NeedSerializer
    permission_classes = [api_permission(Permission.BROWSE_SKILL_NEEDS)]
    filterset_class = NeedFilter
    move_service = staticmethod(services.need_move)
    move_kwarg = "need"

    def get_permissions(self):
        if self.action == "create":
            return [api_permission(Permission.POST_SKILL_NEEDS)()]
        return super().get_permissions()

    def get_serializer_class(self):
        return NeedWriteSerializer if self.action == "create" else super().get_serializer_class()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        host = data.pop("host")
        skills = {name: data.pop(name, []) for name in ("essential_skills", "optional_skills")}
        languages = [(x["language"], x["min_level"]) for x in data.pop("languages", [])]
        serializer.instance = _call(
            services.need_create,
            host=host,
            actor=self.request.user,
            data={**data, "programme": Programme.objects.get(is_default=True)},
            skills=skills,
            languages=languages,
        )

    def get_queryset(self):
        return (
            Need.objects.visible_to(self.request.user)
            .select_related("host", "sector")
            .prefetch_related("essential_skills", "optional_skills", "languages")
            .order_by("-created_at")
        )


class ApplicationViewSet(_MoveMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Applications: the expert's own, a host's once proposed to it, all for the programme."""

    serializer_class = ApplicationSerializer
    permission_classes = [api_permission(Permission.FOLLOW_RETURNS)]
    filterset_fields = ["status", "need"]
    move_service = staticmethod(services.application_move)
    move_kwarg = "application"

    def get_queryset(self):
        return Application.objects.visible_to(self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        expert = get_object_or_404(ExpertProfile, user=self.request.user)
        serializer.instance = _call(
            services.application_submit, expert=expert, **serializer.validated_data
        )


class AssignmentViewSet(_MoveMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer
    permission_classes = [api_permission(Permission.FOLLOW_RETURNS)]
    filterset_fields = ["status"]
    move_service = staticmethod(services.assignment_move)
    move_kwarg = "assignment"

    def get_queryset(self):
        return Assignment.objects.visible_to(self.request.user).order_by("-start")


# In English, as the schema's other descriptions (msc_portal.api.ERROR_DESCRIPTIONS).
NO_PROFILE_YET = OpenApiResponse(description="The expert has not filled in a profile yet.")


@extend_schema_view(
    get=extend_schema(responses={200: ExpertProfileSerializer, 404: NO_PROFILE_YET}),
    patch=extend_schema(
        responses={200: ExpertProfileSerializer, 404: NO_PROFILE_YET},
        parameters=[IF_MATCH],
    ),
)
class ExpertMeView(ConditionalUpdateMixin, generics.RetrieveUpdateAPIView):
    """The signed-in expert's own profile; no one else's is reachable here. PATCH needs the
    ETag of a GET in If-Match (412 when the profile changed meanwhile, 428 without it)."""

    serializer_class = ExpertProfileSerializer
    permission_classes = [api_permission(Permission.APPLY_FOR_RETURN)]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return get_object_or_404(
            ExpertProfile.objects.prefetch_related("skills__skill", "languages"),
            user=self.request.user,
        )

    def perform_update(self, serializer):
        _call(services.expert_update, expert=serializer.instance, data=serializer.validated_data)
