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
