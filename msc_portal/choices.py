from django.utils.encoding import force_str


class ChoiceLabels:
    """`get_FOO_display()` without Django's cost per call: Django hashes every choice of the
    field to look one up, and hashing a lazy label translates it (a migration status, ~60 µs;
    a list page shows a hundred). The same answer, by comparing the values."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        for choice, label in field.flatchoices:
            if choice == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)
