"""Who must sign in with a second factor, and how django-axes names an account and a client."""

from django.conf import settings
from django_otp import devices_for_user

from .models import Role

# The roles that see people's records or decide about them, and the administrators (issue 12).
TWO_FACTOR_ROLES = frozenset(
    {Role.ADMINISTRATOR, Role.PROGRAMME_MANAGER, Role.COUNTRY_COORDINATOR, Role.CENTRE_MANAGER}
)


def two_factor_required(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and (user.role in TWO_FACTOR_ROLES or user.is_superuser)


def has_two_factor(user) -> bool:
    """Whether the user has set up an authenticator app (a confirmed TOTP device)."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def axes_username(request, credentials) -> str:
    # Sign-in is by e-mail whatever its case: "Ana@X" and "ana@x" are one account to lock.
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return username.strip().lower()


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the one our PROXY_COUNT proxies put in front."""
    if settings.PROXY_COUNT:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= settings.PROXY_COUNT:
            return forwarded[-settings.PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "")


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a sign-in attempt in the log: the account by id, never by e-mail."""
    from .models import User

    pk = User.objects.filter(email__iexact=username or "").values_list("pk", flat=True).first()
    account = f"user {pk}" if pk else "unknown account"
    if isinstance(path_info, tuple | list):
        path_info = path_info[0]
    return f"{{account: {account}, ip_address: {ip_address}, path_info: {path_info}}}"
