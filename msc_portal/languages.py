"""Languages as ISO 639-1 codes (two letters), named from pycountry's ISO 639 data.

Names are shown in the active language through the catalogues (locale/reference, generated from
the CLDR by `make messages`)."""

from functools import cache

import pycountry
from django.utils.translation import gettext


@cache
def _iso639_1_names() -> dict[str, str]:
    return {lang.alpha_2: lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def language_choices() -> list[tuple[str, str]]:
    """(code, name) pairs in the active language, in the order of their names."""
    choices = [(code, gettext(name)) for code, name in _iso639_1_names().items()]
    return sorted(choices, key=lambda item: item[1].casefold())


def language_name(code: str) -> str:
    name = _iso639_1_names().get(code)
    return gettext(name) if name else code
