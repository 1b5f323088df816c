import pytest

from creneau.documents.generate import DocumentError, draft_document


@pytest.fixture
def custom_templates(tmp_path, settings):
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
def test_a_jurists_template_overrides_the_built_in_one(renewal_case, custom_templates):
    (custom_templates / "email.html").write_text(
        '{% extends "base.html" %}{% block body %}<p>Bonjour, {{ person.full_name }}.</p>'
        "{% endblock %}"
    )
    assert draft_document(renewal_case, "email").text == "Bonjour, Aminata DIALLO.\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "<p>Vu l'article R. 311-1 du CESEDA.</p>",
        "<p>Né à {{ person.birth_town }}</p>",
        "<p>Adresse : [à compléter]</p>",
    ],
)
def test_a_template_that_yields_a_stale_reference_or_a_gap_is_refused(
    renewal_case, custom_templates, body
):
    (custom_templates / "ddd.html").write_text(
        '{% extends "base.html" %}{% block body %}' + body + "{% endblock %}"
    )
    with pytest.raises(DocumentError, match="incomplet"):
        draft_document(renewal_case, "ddd")
