"""Form widgets shared by the apps."""

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. `<input type="date">` takes and gives only ISO dates (2026-11-24),
    whatever the page's language; the picker itself shows the date as the browser's locale does.
    Without the fixed format Django would write the language's own format ("24.11.2026.") and
    the browser would show the field empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SearchableSelectMultiple(forms.SelectMultiple):
    """The one widget for a long list of which several can be chosen (countries, destinations,
    sectors, facilitators…): a plain `<select multiple>` that static/js/searchable.js turns into
    a Tom Select box with a search field (static/vendor/tom-select). Without JavaScript it stays
    a working multi-select. Options may be grouped (`optgroup`), e.g. "Usual destinations"."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "", **(attrs or {})}, choices)


class SearchableSelect(forms.Select):
    """The single-choice twin of SearchableSelectMultiple, for a long list of one choice."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "", **(attrs or {})}, choices)
