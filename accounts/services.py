from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


@transaction.atomic
def user_create(
    *, email: str, full_name: str, role: str, password: str | None = None, country: str = ""
) -> User:
    """Creates a person with their role (a self-registered expert, an invited host member)."""
    return User.objects.create_user(
        email=email, password=password, full_name=full_name, role=role, country=country
    )


@transaction.atomic
def user_update_profile(*, user: User, full_name: str, preferred_language: str, timezone: str):
    user.full_name = full_name
    user.preferred_language = preferred_language
    user.timezone = timezone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "preferred_language", "timezone"])
    return user


@transaction.atomic
def api_token_regenerate(*, user: User) -> Token:
    """Replaces the user's API token: the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)
