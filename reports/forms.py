import calendar
import re
from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.permissions import Permission
from centres.models import Centre, programme_country_choices
from msc_portal.fields import sensible_date
from msc_portal.widgets import DateInput, SearchableSelectMultiple

from .indicators import DISAGGREGATIONS, registry
from .models import CountIndicator, IndicatorTarget, Project, ProjectIndicator, ReportRun

# The API (and older bookmarks) name a period by its kind with `year` and `number`.
LEGACY_PERIODS = ("month", "quarter", "year", "dates")
CUSTOM = "custom"


def period_bounds(kind: str, year: int, number: int) -> tuple[date, date]:
    """The first and last day of a month (1–12), quarter (1–4), half-year (1–2) or year."""
    if kind == "month":
        return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    if kind == "quarter":
        first = 3 * (number - 1) + 1
        return date(year, first, 1), period_bounds("month", year, first + 2)[1]
    if kind == "half":
        first = 6 * (number - 1) + 1
        return date(year, first, 1), period_bounds("month", year, first + 5)[1]
    return date(year, 1, 1), date(year, 12, 31)


def period_choices(today: date) -> list:
    """One list of the periods people report on, newest first, grouped by kind: the last twelve
    months, eight quarters, four half-years and three years, then a custom range. Values are
    `2026-03`, `2026-Q1`, `2026-H1`, `2026` and `custom`."""
    months, (year, month) = [], (today.year, today.month)
    for _i in range(12):
        months.append(
            (f"{year}-{month:02d}", date_format(date(year, month, 1), "YEAR_MONTH_FORMAT"))
        )
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarters, (year, quarter) = [], (today.year, (today.month - 1) // 3 + 1)
    for _i in range(8):
        quarters.append(
            (f"{year}-Q{quarter}", _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year})
        )
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    halves, (year, half) = [], (today.year, 1 if today.month <= 6 else 2)
    for _i in range(4):
        halves.append((f"{year}-H{half}", _("H%(half)s %(year)s") % {"half": half, "year": year}))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    years = [(str(y), str(y)) for y in range(today.year, today.year - 3, -1)]
    return [
        (_("Month"), months),
        (_("Quarter"), quarters),
        (_("Half-year"), halves),
        (_("Year"), years),
        (_("Other"), [(CUSTOM, _("Custom range (from – to)"))]),
    ]


def parse_period(value: str) -> tuple[date, date] | None:
    """The bounds of a period value of `period_choices` (any year, not only the listed ones)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?", value or "")
    if not match:
        return None
    year = int(match[1])
    if not 2000 <= year <= 2100:
        return None
    if match[2]:
        return period_bounds("month", year, int(match[2])) if 1 <= int(match[2]) <= 12 else None
    if match[3]:
        return period_bounds("quarter", year, int(match[3]))
    if match[4]:
        return period_bounds("half", year, int(match[4]))
    return period_bounds("year", year, 1)


class PeriodField(forms.ChoiceField):
    """One control for the period: a listed month, quarter, half-year or year, or a custom
    range given in the From and To fields (and the API's legacy kinds)."""

    def valid_value(self, value):
        return value in LEGACY_PERIODS or value == CUSTOM or parse_period(value) is not None


class ReportForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.all(),
        required=False,
        empty_label=_("The whole network (no targets)"),
    )
    period = PeriodField(
        label=_("Period"),
        help_text=_("A month, quarter, half-year or year; or a custom range with the dates below."),
    )
    # Only for the API's `period` kinds (month, quarter, year, dates); the page has one control.
    year = forms.IntegerField(
        min_value=2000, max_value=2100, required=False, widget=forms.HiddenInput
    )
    number = forms.IntegerField(min_value=1, max_value=12, required=False, widget=forms.HiddenInput)
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(attrs={"data-period-custom": ""}),
        validators=[sensible_date],
        help_text=_("Only for a custom range."),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(attrs={"data-period-custom": ""}),
        validators=[sensible_date],
        help_text=_("Only for a custom range."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=SearchableSelectMultiple,
        help_text=_("You can choose several. None chosen: every country."),
    )
    centres = forms.ModelMultipleChoiceField(
        label=_("Centres"),
        required=False,
        queryset=Centre.objects.none(),
        widget=SearchableSelectMultiple,
        help_text=_("You can choose several. None chosen: every centre of the countries above."),
    )
    indicators = forms.MultipleChoiceField(
        label=_("Indicators"), widget=forms.CheckboxSelectMultiple
    )
    disaggregations = forms.MultipleChoiceField(
        label=_("Break down by"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(DISAGGREGATIONS.items()),
        initial=["country"],
    )
    # Every run writes XLSX, CSV and PDF; this only picks the file the API's `download` gives.
    output_format = forms.ChoiceField(
        choices=ReportRun.Format.choices, required=False, widget=forms.HiddenInput
    )
    language = forms.ChoiceField(
        label=_("Language of the report"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=_("Headers, sheet names, definitions and the PDF follow it."),
    )
    suppression = forms.BooleanField(
        label=_("Hide small counts (1–4) as <5"),
        required=False,
        initial=True,
        help_text=_("Only programme managers may switch this off."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        today = timezone.localdate()
        self.fields["period"].choices = period_choices(today)
        # Donors mostly ask for the last finished quarter: it is chosen to begin with.
        quarter = (today.month - 1) // 3  # the previous quarter's number (0: last year's Q4)
        self.fields["period"].initial = (
            f"{today.year}-Q{quarter}" if quarter else f"{today.year - 1}-Q4"
        )
        self.fields["indicators"].choices = [
            (item.identifier, item.name)
            for item in sorted(registry.values(), key=lambda i: (i.order, i.identifier))
        ]
        self.fields["countries"].choices = programme_country_choices()
        self.fields["centres"].queryset = Centre.objects.staffed_by(user).order_by(
            "country", "name"
        )
        if not user.scope.whole_network:
            # Coordinators report on their own country.
            self.fields["countries"].choices = [(user.scope.country, user.country.name)]
            self.fields["countries"].initial = [user.scope.country]
        if not user.can(Permission.SHOW_SMALL_COUNTS):
            self.fields["suppression"].disabled = True

    def clean(self):
        data = super().clean()
        kind, year, number = data.get("period"), data.get("year"), data.get("number")
        if kind and kind not in LEGACY_PERIODS and kind != CUSTOM:
            data["start"], data["end"] = parse_period(kind)
        elif kind in ("dates", CUSTOM):
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("Give both dates."))
            if data["start"] > data["end"]:
                self.add_error("end", _("The end comes before the start."))
        elif not year:
            self.add_error("year", _("Give the year."))
        elif kind in ("month", "quarter"):
            limit = 12 if kind == "month" else 4
            if not number or number > limit:
                self.add_error("number", _("Give a number from 1 to %(limit)s.") % {"limit": limit})
            else:
                data["start"], data["end"] = period_bounds(kind, year, number)
        else:
            data["start"], data["end"] = period_bounds("year", year, 1)
        if not self.user.scope.whole_network:
            data["countries"] = [self.user.scope.country]
        if not self.user.can(Permission.SHOW_SMALL_COUNTS):
            data["suppression"] = True
        data["output_format"] = data.get("output_format") or ReportRun.Format.XLSX
        return data

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "project": data["project"].pk if data["project"] else None,
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "countries": sorted(data["countries"]),
            "centre_ids": sorted(centre.pk for centre in data["centres"]),
            "indicators": sorted(data["indicators"]),
            "disaggregations": sorted(data["disaggregations"]),
            "suppression": data["suppression"],
            "language": data["language"] or settings.LANGUAGE_CODE,
        }


class ResearchExportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput(), validators=[sensible_date])
    end = forms.DateField(label=_("To"), widget=DateInput(), validators=[sensible_date])
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=SearchableSelectMultiple,
        choices=programme_country_choices,
        help_text=_("You can choose several. None chosen: every country."),
    )
    output_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(f, label) for f, label in ReportRun.Format.choices if f != ReportRun.Format.PDF],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end comes before the start."))
        return data

    def parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
            "countries": sorted(data["countries"]),
        }


class DashboardForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = programme_country_choices()
        if user.scope.whole_network:
            self.fields["country"].choices = [("", _("All countries")), *choices]
        else:
            self.fields["country"].choices = [(user.scope.country, user.country.name)]

    def countries(self) -> tuple[str, ...]:
        if not self.user.scope.whole_network:
            return (self.user.scope.country,)
        country = self.cleaned_data.get("country")
        return (country,) if country else ()


# --- The results framework ---------------------------------------------------------------------


class ProjectForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None for the whole network."),
    )

    class Meta:
        model = Project
        fields = ["name", "donors", "start", "end", "countries", "monthly_report"]
        widgets = {"start": DateInput, "end": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = programme_country_choices()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The project must end after it starts."))
        return cleaned


class ProjectIndicatorForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("Indicator"))

    class Meta:
        model = ProjectIndicator
        fields = ["indicator", "baseline"]

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        taken = set(project.indicators.values_list("indicator", flat=True))
        self.fields["indicator"].choices = [
            (item.identifier, item.name)
            for item in sorted(registry.values(), key=lambda i: (i.order, i.identifier))
            if item.identifier not in taken
        ]
        self.fields["baseline"].help_text = _("The value before the project, for all countries.")


class TargetForm(forms.ModelForm):
    country = forms.ChoiceField(label=_("Country"), required=False)

    class Meta:
        model = IndicatorTarget
        fields = ["period_start", "period_end", "country", "baseline", "value"]
        widgets = {"period_start": DateInput, "period_end": DateInput}

    def __init__(self, *args, project_indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project_indicator = project_indicator
        project = project_indicator.project
        countries = [
            (code, name)
            for code, name in programme_country_choices()
            if not project.countries or code in project.countries
        ]
        self.fields["country"].choices = [("", _("All the project's countries")), *countries]
        if not self.instance.pk:
            self.initial.setdefault("period_start", project.start)
            self.initial.setdefault("period_end", project.end)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("The period must end after it starts."))
        return cleaned


class CountIndicatorForm(forms.ModelForm):
    """A count over a whitelisted source; filters are `name=value` choices of that source."""

    source = forms.ChoiceField(label=_("What to count"))
    filter_values = forms.MultipleChoiceField(
        label=_("Count only"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Filters of what is counted; at most one value each."),
    )
    disaggregations = forms.MultipleChoiceField(
        label=_("Breakdowns"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = CountIndicator
        fields = ["name", "identifier", "source", "definition", "unit", "disaggregations"]

    def __init__(self, *args, **kwargs):
        from .count_sources import SOURCES

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(key, s.label) for key, s in SOURCES.items()]
        self.fields["filter_values"].choices = [
            (f"{key}:{name}={value}", f"{source.label} — {spec.label}: {label}")
            for key, source in SOURCES.items()
            for name, spec in source.filters.items()
            for value, label in spec.choices()
        ]
        self.fields["disaggregations"].choices = list(DISAGGREGATIONS.items())
        if self.instance.pk:
            self.initial["filter_values"] = [
                f"{self.instance.source}:{name}={value}"
                for name, value in self.instance.filters.items()
            ]

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        filters: dict[str, str] = {}
        for choice in cleaned.get("filter_values", []):
            key, _sep, rest = choice.partition(":")
            name, _eq, value = rest.partition("=")
            if key != source:
                self.add_error("filter_values", _("Choose filters of what is counted only."))
                break
            if name in filters:
                self.add_error("filter_values", _("Choose at most one value of each filter."))
                break
            filters[name] = value
        self.instance.filters = filters
        return cleaned
