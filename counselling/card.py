"""The visitor card: the code, its QR code and the centre's address and opening hours, in the
visitor's language. A PDF the size of a bank card (ISO/IEC 7810 ID-1) and an HTML print view.

The QR code holds the code alone: a USB scanner at any centre's desk types it into the search
box (selectors.visitor_search also finds it inside a URL or after a prefix)."""

from io import BytesIO

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reports.renderers import FONT_DIR, PDF_FONT

from .models import Visitor

CARD_WIDTH_MM, CARD_HEIGHT_MM = 85.6, 53.98


def card_language(visitor: Visitor, fallback: str) -> str:
    """The first language the visitor speaks that the portal is translated into."""
    available = {code.split("-")[0]: code for code, _name in settings.LANGUAGES}
    for code in visitor.languages:
        if code in available:
            return available[code]
    return fallback


def card_qr(visitor: Visitor) -> segno.QRCode:
    # Level M: readable with a scratch or a fold, still few modules for a short code.
    return segno.make_qr(visitor.code, error="m")


def card_texts(visitor: Visitor) -> dict:
    centre = visitor.centre
    return {
        "title": _("Migrant Service Centre"),
        "code_label": _("Your visitor code"),
        "keep": _("Show this card at any centre of the network."),
        "centre": centre.name,
        "address": centre.address or centre.city,
        "hours_label": _("Opening hours"),
        "hours": centre.opening_hours,
        "phone": centre.phone,
        "email": centre.email,
    }


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bold = f"{PDF_FONT}-Bold"
    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(PDF_FONT, FONT_DIR / f"{PDF_FONT}.ttf"))
        pdfmetrics.registerFont(TTFont(bold, FONT_DIR / f"{bold}.ttf"))
    return PDF_FONT, bold


def _fit(canvas, text: str, font: str, size: float, width: float) -> float:
    """The font size (at most `size`) at which the text fits the width."""
    while size > 5 and canvas.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def card_pdf(visitor: Visitor, *, language: str) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    regular, bold = _fonts()
    width, height = CARD_WIDTH_MM * mm, CARD_HEIGHT_MM * mm
    out = BytesIO()
    canvas = Canvas(out, pagesize=(width, height), pageCompression=0)
    with translation.override(language):
        texts = card_texts(visitor)
        canvas.setTitle(f"{texts['code_label']}: {visitor.code}")
    margin = 4 * mm
    # The QR code on the right, as filled squares: sharp at any print resolution.
    qr = card_qr(visitor)
    side = height - 2 * margin - 4 * mm
    modules = qr.symbol_size(scale=1, border=0)[0]
    cell = side / modules
    left, top = width - margin - side, height - margin
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(qr.matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    left + col_index * cell,
                    top - (row_index + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )
    text_width = left - 2 * margin
    y = height - margin - 3 * mm
    canvas.setFont(bold, 8)
    canvas.drawString(margin, y, texts["title"])
    y -= 4 * mm
    canvas.setFont(regular, 6.5)
    canvas.drawString(margin, y, texts["code_label"])
    y -= 6 * mm
    size = _fit(canvas, visitor.code, bold, 13, text_width)
    canvas.setFont(bold, size)
    canvas.drawString(margin, y, visitor.code)
    y -= 6 * mm
    for label, line in (
        (None, texts["centre"]),
        (None, texts["address"]),
        (texts["hours_label"], texts["hours"]),
        (None, texts["phone"]),
        (None, texts["email"]),
    ):
        if not line:
            continue
        line = f"{label}: {line}" if label else line
        canvas.setFont(regular, _fit(canvas, line, regular, 6.5, text_width))
        canvas.drawString(margin, y, line)
        y -= 3.2 * mm
    canvas.setFont(regular, 5.5)
    canvas.drawString(margin, margin, texts["keep"][:90])
    canvas.showPage()
    canvas.save()
    return out.getvalue()
