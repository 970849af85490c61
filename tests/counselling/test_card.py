"""The visitor card: a PDF and a print view with the code, its QR code and the centre."""

import subprocess

import zxingcpp
from django.urls import reverse
from PIL import Image

from counselling import codes
from tests.counselling.factories import make_visitor


def _decode_pdf(content: bytes, tmp_path) -> list[str]:
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "card")],
        check=True,
    )
    image = Image.open(tmp_path / "card.png")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def _text(content: bytes, tmp_path) -> str:
    pdf = tmp_path / "text.pdf"
    pdf.write_bytes(content)
    out = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True)
    return out.stdout.decode()


def test_the_card_pdf_contains_the_code_and_a_qr_that_decodes_to_it(
    login, counsellor_a, centre_a, tmp_path
):
    centre_a.address = "Bulevar oslobođenja 12, Novi Sad"
    centre_a.opening_hours = "Mon–Fri 8:00–16:00"
    centre_a.save()
    visitor = make_visitor(counsellor_a, centre_a)
    response = login(counsellor_a).get(reverse("counselling:visitor_card_pdf", args=[visitor.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _decode_pdf(response.content, tmp_path) == [visitor.code]
    text = _text(response.content, tmp_path)
    assert visitor.code in text
    assert "Bulevar oslobođenja 12" in text
    assert "8:00–16:00" in text


def test_the_card_is_in_the_visitors_language(login, counsellor_a, centre_a, tmp_path):
    visitor = make_visitor(counsellor_a, centre_a, languages=["sq", "en"])
    client = login(counsellor_a)
    page = client.get(reverse("counselling:visitor_card", args=[visitor.code]))
    assert page.status_code == 200
    assert '<html lang="sq">' in page.text
    assert visitor.code in page.text
    assert "<svg" in page.text
    assert "Print the card" in page.text, "the page's own controls stay in the user's language"


def test_another_centre_cannot_print_the_card(login, counsellor_a, centre_a, counsellor_b):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_b)
    for name in ("visitor_card", "visitor_card_pdf"):
        assert client.get(reverse(f"counselling:{name}", args=[visitor.code])).status_code == 404


def test_the_desk_search_reads_what_a_qr_scanner_types(login, counsellor_a, centre_a):
    visitor = make_visitor(counsellor_a, centre_a)
    client = login(counsellor_a)
    for typed in (
        f"{visitor.code}\n",
        f"https://portal.example.org/counselling/visitors/{visitor.code}/",
        f"MSC:{visitor.code.lower()}",
    ):
        assert codes.from_scan(typed) == visitor.code
        response = client.post(reverse("counselling:search"), {"q": typed})
        assert response.status_code == 302, typed
        assert response.url == reverse("counselling:visitor_detail", args=[visitor.code])
    assert codes.from_scan("Ana Petrović") is None
