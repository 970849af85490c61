"""The translation catalogues that are generated, never edited by hand (`make messages`).

- `locale/sr/` is Serbian in Cyrillic script, transliterated from `locale/sr_Latn/` so that the two
  scripts never drift: translators work on Serbian Latin only.
- `locale/reference/<language>/` holds the names of countries (as django-countries spells them in
  English) and of languages (ISO 639-1, as pycountry names them) in each of our languages, from the
  Unicode CLDR through Babel. Our hand-made catalogues come first in LOCALE_PATHS, so a name they
  translate (Kosovo's, say) wins.

Build-time only: imports polib, cyrtranslit and Babel, which are development dependencies.
"""

import re
from pathlib import Path

from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
REFERENCE_DIR = LOCALE_DIR / "reference"
CATALOGUE = Path("LC_MESSAGES") / "django.po"
# The languages translators write; Serbian Cyrillic follows from Serbian Latin.
TRANSLATED = ["sq", "sr_Latn", "mk", "bs"]
GENERATED_FROM = {"sr": "sr_Latn"}
ALL_LOCALES = [*TRANSLATED, *GENERATED_FROM]

PLURAL_FORMS = {
    "sq": "nplurals=2; plural=(n != 1);",
    "mk": "nplurals=2; plural=(n % 10 == 1 && n % 100 != 11) ? 0 : 1;",
    "sr": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
}
PLURAL_FORMS["sr_Latn"] = PLURAL_FORMS["bs"] = PLURAL_FORMS["sr"]

# Left as they are in Cyrillic text: placeholders, markup, addresses, and the codes and
# abbreviations that Serbian keeps in Latin letters (classifications, file formats, CEFR levels).
KEEP_LATIN_WORDS = [
    "NACE",
    "ISCO",
    "ESCO",
    "ISCED",
    "CEFR",
    "PDF",
    "CSV",
    "XLSX",
    "API",
    "URL",
    "ISO",
    "IOM",
    "MSC",
    "TVR",
    "CV",
    "MIDWEB",
    "UNSCR",
    "HTML",
    "HTTP",
    "HTTPS",
    "TOTP",
    "UTF",
    "GDPR",
    "JSON",
    "URI",
    "QR",
    "SHA",
    # HTTP headers named to API clients
    "ETag",
    "If-Match",
    "Idempotency-Key",
    # authenticator apps named on the two-factor page
    "FreeOTP",
    "Aegis",
    "Google",
    "Microsoft",
    "Authenticator",
    "Rev",
]
_KEEP = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]"  # %(name)s
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdifr%]"  # %s, %d
    r"|\{[^{}]*\}"  # {name}
    r"|__[A-Z]+__"  # __COUNT__
    r"|<[^>]*>"  # HTML tags
    r"|&(?:[a-zA-Z]+|#\d+);"  # entities
    r"|https?://\S+"
    r"|[\w.+-]+@[\w-]+\.[\w.]+"  # e-mail addresses
    r"|\bMSC Portal\b"  # the product's name
    r"|\b[ABC][12]\b"  # CEFR levels
    r"|\b[A-Z]{2}-[A-Z]{2}-"  # visitor code prefixes (RS-NS-…)
    r"|\b[FMX]\b"  # sex codes of the import files
    r"|\b\w+_\w+\b"  # column and file names (visitor_code, occupations_en)
    r"|\.(?:csv|xlsx|pdf|json)\b"  # file extensions
    r"|\b(?:" + "|".join(KEEP_LATIN_WORDS) + r")\b"
)


def to_cyrillic(text: str) -> str:
    """Serbian Latin to Serbian Cyrillic, leaving what must stay as it is (see _KEEP)."""
    import cyrtranslit

    parts, position = [], 0
    for match in _KEEP.finditer(text):
        parts.append(cyrtranslit.to_cyrillic(text[position : match.start()], "sr"))
        parts.append(match.group())
        position = match.end()
    parts.append(cyrtranslit.to_cyrillic(text[position:], "sr"))
    return "".join(parts)


def catalogue_path(locale: str, base: Path = LOCALE_DIR) -> Path:
    return base / locale / CATALOGUE


def transliterated_catalogue(source):
    """A copy of a Serbian Latin polib catalogue in Cyrillic script."""
    import polib

    target = polib.POFile(wrapwidth=source.wrapwidth)
    target.metadata = {**source.metadata, "Language": "sr"}
    target.header = source.header
    for entry in source:
        copy = polib.POEntry(
            msgid=entry.msgid,
            msgid_plural=entry.msgid_plural,
            msgctxt=entry.msgctxt,
            msgstr=to_cyrillic(entry.msgstr),
            msgstr_plural={n: to_cyrillic(s) for n, s in entry.msgstr_plural.items()},
            occurrences=entry.occurrences,
            comment=entry.comment,
            tcomment=entry.tcomment,
            flags=list(entry.flags),
            obsolete=entry.obsolete,
        )
        target.append(copy)
    return target


def write_serbian_cyrillic(base: Path = LOCALE_DIR) -> Path:
    import polib

    path = catalogue_path("sr", base)
    path.parent.mkdir(parents=True, exist_ok=True)
    transliterated_catalogue(polib.pofile(str(catalogue_path("sr_Latn", base)))).save(str(path))
    return path


def _reference_names(locale: str) -> dict[str, str]:
    """English name → name in `locale`, for countries and languages, from the CLDR."""
    from babel import Locale
    from django.utils.translation import override
    from django_countries.data import COUNTRIES

    from .languages import _iso639_1_names

    cldr = Locale.parse(locale)
    names = {}
    with override("en"):
        for code, name in COUNTRIES.items():
            if code in cldr.territories:
                names[str(name)] = cldr.territories[code]
    for code, name in _iso639_1_names().items():
        local = cldr.languages.get(code)
        if local:
            # Languages stand alone in lists and on pages: capitalised as a list item is.
            names[name] = local[0].upper() + local[1:]
    return names


def write_reference(base: Path = REFERENCE_DIR) -> list[Path]:
    import polib

    paths = []
    for locale in ALL_LOCALES:
        catalogue = polib.POFile(wrapwidth=100)
        catalogue.header = (
            "Country and language names from the Unicode CLDR (Babel).\n"
            "Generated by `make messages` (msc_portal/catalogues.py): do not edit."
        )
        catalogue.metadata = {
            "Project-Id-Version": "MSC Portal",
            "Language": locale,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": PLURAL_FORMS[locale],
        }
        for english, local in sorted(_reference_names(locale).items()):
            catalogue.append(polib.POEntry(msgid=english, msgstr=local))
        path = catalogue_path(locale, base)
        path.parent.mkdir(parents=True, exist_ok=True)
        catalogue.save(str(path))
        paths.append(path)
    return paths
