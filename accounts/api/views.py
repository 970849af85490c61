from rest_framework import generics

from accounts import services

from .serializers import MeSerializer


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in user: who they are, their role, scope and permissions."""

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
