"""Issue 12, point 7: a CV that acts when opened (scripts, actions, attachments) is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from .factories import ExpertProfileFactory


def _pdf(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _javascript(writer):
    # A document-level script, in the catalogue's /Names tree as Acrobat writes it.
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("a"), writer._add_object(script)])}
    )
    names = DictionaryObject({NameObject("/JavaScript"): writer._add_object(tree)})
    writer._root_object[NameObject("/Names")] = writer._add_object(names)


def _attachment(writer):
    writer.add_attachment("payload.exe", b"MZ not really a program")


def _open_action(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://x")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _launch_link(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): writer._add_object(action),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _page_script(writer):
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    actions = DictionaryObject({NameObject("/O"): writer._add_object(script)})
    writer.pages[0][NameObject("/AA")] = actions


def _upload(client, content: bytes):
    return client.post(
        reverse("returns:expert_cv_upload"),
        {"cv": SimpleUploadedFile("cv.pdf", content, content_type="application/pdf")},
    )


@pytest.mark.parametrize(
    "change", [_javascript, _attachment, _open_action, _launch_link, _page_script]
)
def test_it_refuses_a_cv_with_active_content(login, expert, change):
    profile = ExpertProfileFactory(user=expert)
    response = _upload(login(expert), _pdf(change))
    assert response.status_code == 200
    assert "carries scripts, automatic actions or attached files" in response.text
    profile.refresh_from_db()
    assert not profile.cv


def test_it_still_takes_a_plain_pdf(login, expert):
    profile = ExpertProfileFactory(user=expert)
    response = _upload(login(expert), _pdf(lambda writer: writer.add_metadata({"/Title": "CV"})))
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.cv
