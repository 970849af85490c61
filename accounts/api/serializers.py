from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from accounts.models import User
from accounts.permissions import ROLE_PERMISSIONS


class ScopeSerializer(serializers.Serializer):
    centre_ids = serializers.ListField(child=serializers.IntegerField())
    country = serializers.CharField(allow_null=True)
    whole_network = serializers.BooleanField()


class MeSerializer(serializers.ModelSerializer):
    country = CountryField(allow_blank=True, read_only=True)
    scope = ScopeSerializer(read_only=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "country",
            "preferred_language",
            "timezone",
            "scope",
            "permissions",
        ]
        read_only_fields = ["id", "email", "role", "country", "scope", "permissions"]

    def get_permissions(self, user) -> list[str]:
        return sorted(ROLE_PERMISSIONS.get(user.role, ()))
