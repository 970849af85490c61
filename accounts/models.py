import zoneinfo
from dataclasses import dataclass
from functools import cached_property

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.timezone import localdate, now
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from knox.models import AbstractAuthToken

from msc_portal.choices import ChoiceLabels


class Role(models.TextChoices):
    """The roles of DOMAIN.md. A person holds one role; what it may do is in permissions.py."""

    COUNSELLOR = "counsellor", _("Counsellor")
    CENTRE_MANAGER = "centre_manager", _("Centre manager")
    COUNTRY_COORDINATOR = "country_coordinator", _("Country coordinator")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")
    HOST_MEMBER = "host_member", _("Host institution member")
    EXPERT = "expert", _("Diaspora expert")
    ADMINISTRATOR = "administrator", _("Administrator")


CENTRE_ROLES = frozenset({Role.COUNSELLOR, Role.CENTRE_MANAGER})
# Roles that open visitors' records: granted in the portal by whoever owns the decision
# (accounts.services.user_access_grant), never in the admin site.
STAFF_ROLES = frozenset({*CENTRE_ROLES, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_MANAGER})
# Roles an administrator may give a new account in the admin: no personal data of visitors.
ADMIN_CREATABLE_ROLES = frozenset({Role.ADMINISTRATOR, Role.HOST_MEMBER, Role.EXPERT})


def validate_timezone(value: str):
    # Checked against the tz database at run time, not frozen into a migration's choices.
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


@dataclass(frozen=True)
class Scope:
    """Which part of the network's data a user works in. Every visible_to() starts here.

    - centre staff (counsellor, centre manager): the centres they are members of;
    - country coordinator: every centre of one country;
    - programme manager: the whole network (aggregates of personal data only, by default);
    - experts, host members and administrators: no centre at all.
    """

    centre_ids: frozenset[int]
    country: str | None
    whole_network: bool

    @property
    def has_centres(self) -> bool:
        return self.whole_network or bool(self.country) or bool(self.centre_ids)


NO_SCOPE = Scope(centre_ids=frozenset(), country=None, whole_network=False)


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People a user may see: colleagues in their scope, and always themselves."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.PROGRAMME_MANAGER, Role.ADMINISTRATOR):
            return self.all()
        scope = user.scope
        if scope.country:
            colleagues = Q(country=scope.country) | Q(centres__country=scope.country)
        elif user.role == Role.CENTRE_MANAGER:
            colleagues = Q(centres__in=scope.centre_ids)
        else:
            return self.filter(pk=user.pk)
        staff_roles = [*CENTRE_ROLES, Role.COUNTRY_COORDINATOR]
        return self.filter((colleagues & Q(role__in=staff_roles)) | Q(pk=user.pk)).distinct()


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.ADMINISTRATOR)
        fields["is_superuser"] = True
        return self._create_user(email, password, **fields)


class User(ChoiceLabels, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_("For country coordinators: the country whose centres they oversee."),
    )
    centres = models.ManyToManyField(
        "centres.Centre",
        through="CentreMembership",
        related_name="staff",
        blank=True,
        verbose_name=_("centres"),
    )
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.DEFAULT_USER_TIMEZONE,
        validators=[validate_timezone],
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="country_coordinator") | ~Q(country=""),
                name="coordinator_has_country",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()
        if self.role == Role.COUNTRY_COORDINATOR and not self.country:
            raise ValidationError({"country": _("A country coordinator needs a country.")})

    def save(self, *args, **kwargs):
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        # A new password or a deactivation ends every API token and browser session at once
        # (the password change page then keeps the browser it was made in).
        if password_changed or not self.is_active:
            self.end_sessions_and_tokens()
        if password_changed:
            # Whoever set it holds the password or the mailbox: the account's lockout is lifted.
            axes_reset(username=self.email)

    def end_sessions_and_tokens(self):
        ApiToken.objects.filter(user=self).delete()
        sessions = UserSession.objects.filter(user=self)
        keys = list(sessions.values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        sessions.delete()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_staff(self) -> bool:
        """Only administrators use Django's admin site; everyone else works in the portal."""
        return self.is_active and self.role == Role.ADMINISTRATOR

    @cached_property
    def scope(self) -> Scope:
        if self.role == Role.PROGRAMME_MANAGER:
            return Scope(centre_ids=frozenset(), country=None, whole_network=True)
        if self.role == Role.COUNTRY_COORDINATOR:
            return Scope(centre_ids=frozenset(), country=str(self.country), whole_network=False)
        if self.role in CENTRE_ROLES:
            ids = self.memberships.filter(centre__is_active=True).values_list(
                "centre_id", flat=True
            )
            return Scope(centre_ids=frozenset(ids), country=None, whole_network=False)
        return NO_SCOPE

    def can(self, permission) -> bool:
        from .permissions import role_has_permission

        return self.is_active and role_has_permission(self.role, permission)


class CentreMembership(models.Model):
    """A counsellor or centre manager working at a centre."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    centre = models.ForeignKey(
        "centres.Centre", on_delete=models.CASCADE, related_name="memberships"
    )
    since = models.DateField(_("since"), default=localdate)

    class Meta:
        verbose_name = _("centre membership")
        verbose_name_plural = _("centre memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "centre"], name="one_membership_per_centre"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.centre}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its hash is stored, it expires, its owner names it."""

    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.token_key}…)"


class UserSession(models.Model):
    """A signed-in browser, so that its owner can see it on their profile and end it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), default=now)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("browser session")
        verbose_name_plural = _("browser sessions")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
