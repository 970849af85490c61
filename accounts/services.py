from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from centres.models import Centre

from .models import CENTRE_ROLES, STAFF_ROLES, ApiToken, Role, User, UserSession
from .permissions import Permission

RECOVERY_CODE_COUNT = 10
API_TOKEN_LIMIT = 10
TOO_MANY_TOKENS = _("You have %(limit)d tokens already: revoke one you no longer use first.")
GRANT_SELF = _("You cannot change your own access: ask the person above you.")
GRANT_ADMINISTRATOR = _(
    "An administrator's account stays technical: it gets no access to personal data."
)
GRANT_ROLE_NOT_YOURS = _("This role is not yours to grant.")
GRANT_PERSON_NOT_YOURS = _("This person's access is decided by someone else.")
GRANT_CENTRE_NOT_YOURS = _("You can grant access only to centres you manage.")
GRANT_CENTRE_NEEDED = _("Choose at least one centre.")
GRANT_COUNTRY_NEEDED = _("A country coordinator needs a country.")


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
def password_reset_request(*, users, language: str) -> None:
    """The reset e-mail of each account, through the outbox: the page answers at once even when
    the mail server or the broker is away, and the worker makes the link (no token is stored)."""
    from outbox.services import outbox_enqueue

    from .tasks import send_password_reset

    for user in users:
        outbox_enqueue(send_password_reset, user.pk, language)


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


@transaction.atomic
def user_erase(*, user: User) -> None:
    """Deletes an account at its owner's request. An account named on the audit trail, which
    cannot change, is emptied instead: no name, no address, no way to sign in; its id stays."""
    from counselling.models import AuditEvent

    if not AuditEvent.objects.filter(user=user).exists():
        user.delete()
        return
    user.memberships.all().delete()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def grantable_roles(granter: User) -> list[str]:
    """The staff roles a person may grant: the programme manager the network's, centre managers
    and coordinators the roles of the centres they oversee."""
    if not granter.can(Permission.GRANT_ACCESS):
        return []
    if granter.scope.whole_network:
        return [
            Role.COUNSELLOR,
            Role.CENTRE_MANAGER,
            Role.COUNTRY_COORDINATOR,
            Role.PROGRAMME_MANAGER,
        ]
    return [Role.COUNSELLOR, Role.CENTRE_MANAGER]


@transaction.atomic
def user_access_grant(
    *, granter: User, user: User, role: str, centres=(), country: str = ""
) -> User:
    """Gives `user` a staff role and sets their memberships among the granter's centres (those
    elsewhere stay), then writes the change to the audit trail. Administrators' accounts stay
    technical, and nobody changes their own access."""
    from counselling.models import AuditEvent
    from counselling.services import audit_record

    allowed = grantable_roles(granter)
    if not allowed:
        raise PermissionDenied
    if user.pk == granter.pk:
        raise ValidationError(GRANT_SELF)
    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        raise ValidationError(GRANT_ADMINISTRATOR)
    if role not in allowed:
        raise ValidationError({"role": GRANT_ROLE_NOT_YOURS})
    if user.role in STAFF_ROLES and user.role not in allowed:
        raise ValidationError(GRANT_PERSON_NOT_YOURS)
    mine = Centre.objects.staffed_by(granter)
    chosen = set(centres)
    if not chosen <= set(mine):
        raise ValidationError({"centres": GRANT_CENTRE_NOT_YOURS})
    elsewhere = user.memberships.exclude(centre__in=mine)
    if role in CENTRE_ROLES:
        if role != user.role and elsewhere.exists():
            raise ValidationError(GRANT_PERSON_NOT_YOURS)
        if not chosen and not elsewhere.exists():
            raise ValidationError({"centres": GRANT_CENTRE_NEEDED})
        country = ""
    else:
        chosen = set()
        if role == Role.COUNTRY_COORDINATOR and not country:
            raise ValidationError({"country": GRANT_COUNTRY_NEEDED})
        if role == Role.PROGRAMME_MANAGER:
            country = ""
    before = set(user.centres.filter(pk__in=mine))
    if role not in CENTRE_ROLES:
        before = set(user.centres.all())
        user.memberships.all().delete()
    else:
        user.memberships.filter(centre__in=mine).exclude(centre__in=chosen).delete()
        for centre in chosen - before:
            user.memberships.create(centre=centre)
    user.role, user.country = role, country
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "country"])
    touched = sorted(chosen ^ before, key=lambda centre: centre.pk) or sorted(
        chosen, key=lambda centre: centre.pk
    )
    ids = ",".join(str(centre.pk) for centre in sorted(chosen, key=lambda centre: centre.pk))
    audit_record(
        user=granter,
        action=AuditEvent.Action.ACCESS_GRANTED,
        centre=touched[0] if touched else None,
        detail=f"user {user.pk}: {role} {country} centres [{ids}]",
    )
    return user
