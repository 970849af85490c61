import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from centres.models import PROGRAMME_COUNTRIES
from skills.models import Sector

from .models import Mode, Need


def _country_choices():
    return [(code, countries.name(code)) for code in PROGRAMME_COUNTRIES]


class NeedFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        field_name="host__country",
        choices=_country_choices,
        empty_label=_("All countries"),
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.filter(level=Sector.Level.SECTION),
        method="filter_sector",
        empty_label=_("All sectors"),
    )
    mode = django_filters.ChoiceFilter(
        label=_("Mode"), choices=Mode.choices, empty_label=_("Any mode")
    )

    class Meta:
        model = Need
        fields = ["country", "sector", "mode"]

    def filter_sector(self, queryset, name, value):
        # A section matches the needs filed under it or under one of its divisions.
        return queryset.filter(
            Q(sector=value) | Q(sector__parent=value) | Q(sector__parent__parent=value)
        )
