"""Identity text is the person's, not a placeholder: brackets in it never refuse a document.

Issue 24: the placeholder check refused every document as soon as a name, a place or an
address held ``‹…>`` or ``[…]`` (« 12 rue X [bât. B] », a transliteration in angle brackets).
A placeholder left in the template is still refused.
"""

import pytest

from creneau.documents.generate import DocumentError, draft_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address", "12 rue de la République [bât. B]\n93200 Saint-Denis"),
        ("birth_place", "Tunis <Tunisie>"),
        ("given_names", "Ali ‹dit Nour>"),
        ("family_name", "Ben [Salah]"),
        ("birth_place", "None"),
    ],
)
def test_brackets_in_the_persons_identity_do_not_refuse_the_document(renewal_case, field, value):
    setattr(renewal_case.person, field, value)
    renewal_case.person.save()

    for kind in ("email", "letter"):
        draft = draft_document(renewal_case, kind)
        assert draft.text


def test_a_placeholder_of_the_template_is_still_refused_beside_identity_brackets(
    renewal_case, settings, tmp_path
):
    renewal_case.person.birth_place = "Tunis <Tunisie>"
    renewal_case.person.save()
    (tmp_path / "letter.html").write_text(
        '{% extends "letter.html" %}{% block body %}<p>Né à {{ person.birth_place }}, '
        "[à compléter]</p>{% endblock %}"
    )
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)

    with pytest.raises(DocumentError, match="à compléter"):
        draft_document(renewal_case, "letter")
