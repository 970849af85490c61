import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import PROGRAMME_COUNTRIES, Centre, PartnerOrganisation


def _country_choices():
    return [(code, countries.name(code)) for code in PROGRAMME_COUNTRIES]


def _city_choices():
    cities = Centre.objects.active().order_by("city").values_list("city", flat=True).distinct()
    return [(city, city) for city in cities]


class CentreFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=_country_choices, empty_label=_("All countries")
    )
    city = django_filters.ChoiceFilter(
        label=_("City"), choices=_city_choices, empty_label=_("All cities")
    )

    class Meta:
        model = Centre
        fields = ["country", "city", "is_active"]


class PartnerOrganisationFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(choices=_country_choices)
    service = django_filters.ChoiceFilter(
        choices=PartnerOrganisation.Service.choices, method="filter_service"
    )

    class Meta:
        model = PartnerOrganisation
        fields = ["country", "service", "is_active"]

    def filter_service(self, queryset, name, value):
        # JSON containment is not portable to SQLite, so match the quoted code in the list.
        return queryset.filter(services__icontains=f'"{value}"')
