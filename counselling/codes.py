"""Visitor codes: `RS-NS-48213907-K` = country, centre, random number, check character.

Codes given before the number was random (`RS-NS-0042-7`, a per-centre sequence) stay valid:
the shape and the check are the same, only the number is longer. A random number of
RANDOM_DIGITS digits means a code cannot be computed from another one (issue 12).

The check character is ISO 7064 MOD 37-2 (a "pure" system) computed over the code without its
hyphens. Each character has a value (0-9 -> 0-9, A-Z -> 10-35); the weighted sum
Σ value·2^k (the check character has weight 2^0, the character before it 2^1, and so on) must be
divisible by 37. Because 37 is prime and the weights are never 0 mod 37, every single-character
substitution and every transposition of two adjacent characters changes the sum and is caught.

MOD 37-2 can ask for a 37th check value (written `*` by the standard); that is awkward on a card
and over the phone, so the sequence skips the numbers whose check would be `*` (about 1 in 37).
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MODULUS = 37
RANDOM_DIGITS = 8
CODE_RE = re.compile(r"^([A-Z]{2})-([A-Z]{2,3})-(\d{4,})-([0-9A-Z])$")


def _weighted_sum(chars: str) -> int:
    total = 0
    for char in chars:
        total = (total * 2 + ALPHABET.index(char)) % MODULUS
    return total


def check_value(payload: str) -> int:
    """The check value (0–36) for a payload of ALPHABET characters."""
    return (-_weighted_sum(payload) * 2) % MODULUS


def check_character(payload: str) -> str | None:
    """The check character, or None when MOD 37-2 asks for `*` (the number is skipped)."""
    value = check_value(payload)
    return ALPHABET[value] if value < len(ALPHABET) else None


def payload_of(country: str, centre_code: str, number: int, digits: int = 4) -> str:
    return f"{country}{centre_code}{number:0{digits}d}"


def format_code(country: str, centre_code: str, number: int, digits: int = 4) -> str | None:
    check = check_character(payload_of(country, centre_code, number, digits))
    if check is None:
        return None
    return f"{country}-{centre_code}-{number:0{digits}d}-{check}"


def random_code(country: str, centre_code: str) -> str:
    """A new code whose number is drawn from a CSPRNG (skipping the `*` checks)."""
    while True:
        number = secrets.randbelow(10**RANDOM_DIGITS)
        code = format_code(country, centre_code, number, RANDOM_DIGITS)
        if code is not None:
            return code


def normalise(raw: str) -> str:
    """Upper-cases and re-hyphenates what a person typed (`rs ns 0042 7` -> `RS-NS-0042-7`)."""
    text = re.sub(r"[\s-]+", "-", (raw or "").strip().upper())
    compact = text.replace("-", "")
    match = re.match(r"^([A-Z]{2})([A-Z]{2,3})(\d{4,})([0-9A-Z])$", compact)
    if "-" not in text and match:
        return "-".join(match.groups())
    return text


SCANNED_RE = re.compile(r"([A-Z]{2})[-\s]?([A-Z]{2,3})[-\s]?(\d{4,})[-\s]?([0-9A-Z])(?![0-9A-Z])")


def from_scan(raw: str) -> str | None:
    """The valid visitor code in what a USB QR scanner typed: the code alone, or inside a URL
    or after a prefix, maybe with a line break; None when there is none."""
    text = (raw or "").strip().upper()
    for match in SCANNED_RE.finditer(text):
        code = "-".join(match.groups())
        if is_valid(code):
            return code
    return None


def is_valid(code: str) -> bool:
    """True when the code has the right shape and its check character matches."""
    if not CODE_RE.match(code):
        return False
    compact = code.replace("-", "")
    return _weighted_sum(compact) == 0
