from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, User, UserSession

RECOVERY_CODE_COUNT = 10
API_TOKEN_LIMIT = 10
TOO_MANY_TOKENS = _("You have %(limit)d tokens already: revoke one you no longer use first.")


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
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new named token; the clear token is returned once and only its hash is kept."""
    ApiToken.objects.filter(user=user, expiry__lte=now()).delete()
    if ApiToken.objects.filter(user=user).count() >= API_TOKEN_LIMIT:
        raise ValidationError(TOO_MANY_TOKENS, params={"limit": API_TOKEN_LIMIT})
    token, key = ApiToken.objects.create(user=user, name=name)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def session_record(*, user: User, session_key: str, user_agent: str) -> None:
    """Lists a signed-in browser on its owner's profile, forgetting those that expired."""
    live = Session.objects.filter(expire_date__gt=now()).values("session_key")
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    UserSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "user_agent": user_agent[:200]}
    )


@transaction.atomic
def sessions_end(*, user: User, session_keys=None) -> int:
    """Signs the user out of the given browsers (all by default); returns how many ended."""
    sessions = UserSession.objects.filter(user=user)
    if session_keys is not None:
        sessions = sessions.filter(session_key__in=session_keys)
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    sessions.delete()
    return len(keys)


@transaction.atomic
def user_sign_out_everywhere(*, user: User) -> None:
    """Ends every browser session and every API token of the user."""
    user.end_sessions_and_tokens()


@transaction.atomic
def two_factor_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan; it counts once a code confirms it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def two_factor_device_confirm(*, device: TOTPDevice) -> list[str]:
    """Confirms the authenticator, replacing any older one, and returns fresh recovery codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """Ten single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
