import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from msc_portal.widgets import DateInput

from .models import (
    Occupation,
    Sector,
    Skill,
    SkillDemand,
    TrainingOpportunity,
    eu_country_choices,
    region_choices,
)
from .selectors import region_group_filter
from .widgets import OccupationPicker, SkillPicker

DATE = DateInput()


def _sections():
    return Sector.objects.filter(level=Sector.Level.SECTION).order_by("code")


class SkillDemandFilter(django_filters.FilterSet):
    area = django_filters.ChoiceFilter(
        label=_("Area"),
        choices=[("wb", _("Western Balkans")), ("eu", _("EU member states"))],
        empty_label=_("Western Balkans and EU"),
        method="filter_area",
    )
    region = django_filters.ChoiceFilter(
        label=_("Country"), choices=region_choices, empty_label=_("All countries")
    )
    section = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=_sections(), empty_label=_("All sectors")
    )
    source_type = django_filters.ChoiceFilter(
        label=_("Type of source"),
        choices=SkillDemand.SourceType.choices,
        empty_label=_("All sources"),
    )
    shortage = django_filters.ChoiceFilter(
        label=_("Shortage at least"),
        choices=SkillDemand.Shortage.choices,
        empty_label=_("Any level"),
        method="filter_shortage",
    )
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"), queryset=Skill.objects.all(), widget=SkillPicker()
    )
    occupation = django_filters.ModelChoiceFilter(
        label=_("Occupation"), queryset=Occupation.objects.all(), widget=OccupationPicker()
    )
    period_from = django_filters.DateFilter(
        label=_("Period from"), method="filter_period_from", widget=DATE
    )
    period_to = django_filters.DateFilter(
        label=_("Period to"), method="filter_period_to", widget=DATE
    )

    class Meta:
        model = SkillDemand
        fields = ["area", "region", "section", "source_type", "shortage", "skill", "occupation"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(region_group_filter(value))

    def filter_shortage(self, queryset, name, value):
        return queryset.filter(shortage__gte=value)

    def filter_period_from(self, queryset, name, value):
        return queryset.overlapping(start=value)

    def filter_period_to(self, queryset, name, value):
        return queryset.overlapping(end=value)


class TrainingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=eu_country_choices, empty_label=_("All EU countries")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=TrainingOpportunity.Kind.choices, empty_label=_("All kinds")
    )
    section = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        queryset=_sections(),
        empty_label=_("All sectors"),
        method="filter_section",
    )
    include_closed = django_filters.BooleanFilter(
        label=_("Include closed calls"),
        method="filter_include_closed",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = TrainingOpportunity
        fields = ["q", "country", "kind", "section", "include_closed"]

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("include_closed"):
            queryset = queryset.open_on(timezone.localdate())
        return queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(provider__icontains=value)
            | Q(description__icontains=value)
        )

    @extend_schema_field(OpenApiTypes.INT)  # the section's id
    def filter_section(self, queryset, name, value):
        return queryset.filter(Q(sector=value) | Q(sector__parent=value))

    def filter_include_closed(self, queryset, name, value):
        return queryset  # applied in qs, so that "unticked" also hides closed calls
