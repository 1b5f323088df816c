"""PDFs that would run something when opened are refused; plain PDFs are sealed as received.

Every PDF here is built with pikepdf, the way a real producer writes one (xref, trailer).
"""

import io
from collections.abc import Callable

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from creneau.evidence.models import Upload
from creneau.evidence.uploads import UploadError, seal_upload
from creneau.lib import storage

pytestmark = pytest.mark.django_db


def build_pdf(change: Callable[[pikepdf.Pdf], None] | None = None) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    if change is not None:
        change(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def javascript_action(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('x')")))


def open_action_script(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = javascript_action(pdf)


def document_level_script(pdf: pikepdf.Pdf) -> None:
    names = Array([String("init"), javascript_action(pdf)])
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=names))


def page_additional_action(pdf: pikepdf.Pdf) -> None:
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj])))


def launch_in_a_link(pdf: pikepdf.Pdf) -> None:
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=Array([0, 0, 100, 100]),
        A=Dictionary(S=Name.Launch, F=String("calc.exe")),
    )
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))


def embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["facture.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", mime_type="x")


def rich_media(pdf: pikepdf.Pdf) -> None:
    annot = Dictionary(Type=Name.Annot, Subtype=Name.RichMedia, Rect=Array([0, 0, 1, 1]))
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annot)])


def xfa_form(pdf: pikepdf.Pdf) -> None:
    xfa = pdf.make_stream(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=xfa)


def script_hidden_in_an_object_stream(pdf: pikepdf.Pdf) -> None:
    deep = Dictionary(Next=Dictionary(Next=Dictionary(Next=javascript_action(pdf))))
    pdf.Root.Outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=deep))


DANGEROUS = {
    "OpenAction JavaScript": open_action_script,
    "document JavaScript": document_level_script,
    "page /AA": page_additional_action,
    "/Launch link": launch_in_a_link,
    "embedded file": embedded_file,
    "RichMedia": rich_media,
    "XFA": xfa_form,
    "deeply nested script": script_hidden_in_an_object_stream,
}


def test_a_plain_pdf_is_sealed_as_received():
    data = build_pdf()

    result = seal_upload(data, "recepisse.pdf")

    assert result.media_type == "application/pdf"
    assert storage.read(result.filed_sha256) == data


def test_an_open_action_that_only_shows_the_first_page_is_accepted():
    def goto_first_page(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])

    assert seal_upload(build_pdf(goto_first_page), "a.pdf").media_type == "application/pdf"


@pytest.mark.parametrize("kind", list(DANGEROUS))
def test_it_refuses_a_pdf_with_active_content(kind):
    data = build_pdf(DANGEROUS[kind])

    with pytest.raises(UploadError, match="PDF refusé : il contient du contenu actif"):
        seal_upload(data, "piece.pdf")
    assert not Upload.objects.exists()


def test_the_refusal_names_what_was_found_and_what_to_do():
    with pytest.raises(UploadError) as refused:
        seal_upload(build_pdf(open_action_script), "piece.pdf")

    assert "JavaScript" in str(refused.value)
    assert "Enregistrer au format PDF" in str(refused.value)


def test_it_refuses_a_script_inside_compressed_object_streams():
    out = io.BytesIO()
    pdf = pikepdf.open(io.BytesIO(build_pdf(document_level_script)))
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)

    with pytest.raises(UploadError, match="JavaScript"):
        seal_upload(out.getvalue(), "piece.pdf")


def test_a_pdf_that_cannot_be_opened_is_refused_as_damaged():
    with pytest.raises(UploadError, match="PDF endommagé"):
        seal_upload(b"%PDF-1.7\nnothing here that a reader could use\n", "casse.pdf")
    truncated = build_pdf()[:200]
    with pytest.raises(UploadError, match="PDF endommagé"):
        seal_upload(truncated, "coupe.pdf")
    assert not Upload.objects.exists()


def test_a_password_protected_pdf_is_refused_as_unverifiable():
    out = io.BytesIO()
    pdf = pikepdf.open(io.BytesIO(build_pdf()))
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))

    with pytest.raises(UploadError, match="mot de passe"):
        seal_upload(out.getvalue(), "chiffre.pdf")
