from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from msc_portal.languages import language_name

# The six participating countries of the Western Balkans (Kosovo as XK, see settings).
PROGRAMME_COUNTRIES = ["AL", "BA", "XK", "ME", "MK", "RS"]


def programme_country_choices() -> list[tuple[str, str]]:
    """The programme's countries named in the active language (a callable for form choices)."""
    return [(code, countries.name(code)) for code in PROGRAMME_COUNTRIES]


class ActiveQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class CentreQuerySet(ActiveQuerySet):
    def staffed_by(self, user):
        """The centres whose visitors the user works with (their own centre, or their country)."""
        scope = user.scope
        if scope.whole_network:
            return self.all()
        if scope.country:
            return self.filter(country=scope.country)
        return self.filter(pk__in=scope.centre_ids)

    def staffed_ids(self, user) -> frozenset[int]:
        """The ids of staffed_by(user): a centre's staff's come from their scope, unasked."""
        scope = user.scope
        if scope.whole_network or scope.country:
            return frozenset(self.staffed_by(user).values_list("pk", flat=True))
        return scope.centre_ids

    def is_staffed_by(self, centre: "Centre", user) -> bool:
        """Whether `centre` is one of staffed_by(user), from the scope and the centre's row."""
        scope = user.scope
        if scope.whole_network:
            return True
        if scope.country:
            return str(centre.country) == scope.country
        return centre.pk in scope.centre_ids


class Centre(models.Model):
    """A Migrant Service Centre, embedded in an office of the national employment service."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{2,3}$", _("Two or three capital letters."))],
        help_text=_("Short code, unique in the country; printed in visitor codes (RS-NS-…)."),
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    host_office = models.CharField(
        _("host employment-service office"),
        max_length=200,
        help_text=_("The office of the national employment service that hosts the centre."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mon–Fri 8:00–16:00"),
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_("The languages counsellors speak, as two-letter ISO 639-1 codes."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = CentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        ordering = ["country", "city", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code"], name="centre_code_unique_in_country"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="centre_coordinates_both_or_neither",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.city})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The visitor ↔ centre relation carries the country, for coordinators' scope.
        from counselling.models import VisitorCentre

        VisitorCentre.objects.filter(centre=self).exclude(country=self.country).update(
            country=self.country
        )

    @property
    def language_names(self) -> list[str]:
        return [language_name(code) for code in self.languages]


class PartnerOrganisation(models.Model):
    """An organisation in a country to which counsellors refer visitors for a service."""

    class Service(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment and job placement")
        TRAINING = "training", _("Training and skills")
        LEGAL = "legal", _("Legal aid")
        SOCIAL = "social", _("Social welfare")
        HEALTH = "health", _("Health and psychosocial support")
        EDUCATION = "education", _("Education and recognition of qualifications")
        HOUSING = "housing", _("Housing")
        BUSINESS = "business", _("Business start-up")
        ANTI_TRAFFICKING = "anti_trafficking", _("Victim support and anti-trafficking")
        CONSULAR = "consular", _("Consular and documents")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    services = models.JSONField(_("services"), default=list, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ActiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["country", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"], name="partner_name_unique_in_country"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def service_labels(self) -> list[str]:
        labels = dict(self.Service.choices)
        return [str(labels.get(code, code)) for code in self.services]
