"""Searching the case list by name, although names are encrypted (a keyed blind index)."""

import pytest
from django.db import connection
from django.urls import reverse

from creneau.cases.names import index_of, normalised_words
from tests.conftest import make_case

pytestmark = pytest.mark.django_db


def found(client, query):
    response = client.get(reverse("case-list"), {"q": query})
    return [case.reference for case in response.context["page"]], response.content.decode()


def test_a_volunteer_finds_a_case_by_a_name_its_start_any_case_and_no_accents(personas):
    amina = make_case(personas.group, family_name="Diallo")
    other = make_case(personas.group, family_name="Bénali")
    client = personas.client_for(personas.alice)

    assert found(client, "diallo")[0] == [amina.reference]
    assert found(client, "DIAL")[0] == [amina.reference]
    assert found(client, "aminata diallo")[0] == [amina.reference]
    assert found(client, "benali")[0] == [other.reference]
    assert found(client, "Bénal")[0] == [other.reference]
    assert found(client, amina.reference.lower())[0] == [amina.reference]


def test_a_name_search_never_reaches_another_organisation(personas):
    make_case(personas.other_group, family_name="Diallo")
    assert found(personas.client_for(personas.alice), "Diallo")[0] == []


def test_nothing_found_says_so_rather_than_there_being_no_case(personas):
    make_case(personas.group, family_name="Diallo")
    references, page = found(personas.client_for(personas.alice), "Nguyen")
    assert references == []
    assert "Aucun dossier ne correspond à cette recherche." in page
    assert "Aucun dossier pour le moment." not in page


def test_a_renamed_person_is_found_by_the_new_name_only(personas):
    case = make_case(personas.group, family_name="Diallo")
    person = case.person
    person.family_name = "Sow"
    person.save(update_fields=["family_name"])
    client = personas.client_for(personas.alice)
    assert found(client, "sow")[0] == [case.reference]
    assert found(client, "diallo")[0] == []


def test_the_database_holds_no_name_in_clear(personas):
    case = make_case(personas.group, family_name="Diallo")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cases_person WHERE id = %s", [case.person_id])
        row = " ".join(str(value) for value in cursor.fetchone()).lower()
    assert "diallo" not in row and "aminata" not in row


def test_names_are_folded_and_split_like_a_person_would_type_them():
    assert normalised_words("N'Diaye-Sow") == ["n", "diaye", "sow", "ndiayesow"]
    assert index_of(["Zoé"]) == index_of(["ZOE"])
    assert index_of([None, ""]) == ""


def test_after_a_key_change_reindex_names_makes_names_findable_again(personas, settings):
    from django.core.management import call_command

    case = make_case(personas.group, family_name="Diallo")
    settings.SALT_KEY = ["a-new-field-key", *settings.SALT_KEY]
    client = personas.client_for(personas.alice)
    assert found(client, "diallo")[0] == []  # keyed with the old key

    call_command("reindex_names")

    assert found(client, "diallo")[0] == [case.reference]
