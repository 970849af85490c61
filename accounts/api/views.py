from drf_spectacular.utils import extend_schema_view
from rest_framework import generics

from accounts import services
from msc_portal.concurrency import IF_MATCH_SCHEMA, ConditionalUpdateMixin

from .serializers import MeSerializer


@extend_schema_view(patch=IF_MATCH_SCHEMA)
class MeView(ConditionalUpdateMixin, generics.RetrieveUpdateAPIView):
    """The signed-in user: who they are, their role, scope and permissions. PATCH needs the
    ETag of a GET in If-Match (412 when the profile changed meanwhile, 428 without it)."""

    serializer_class = MeSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        user = self.request.user
        data = {
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "timezone": user.timezone,
            **serializer.validated_data,
        }
        services.user_update_profile(user=user, **data)
