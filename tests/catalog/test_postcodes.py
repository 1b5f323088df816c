import pytest

from creneau.catalog.postcodes import department_of_address, department_of_postcode, postcode_in


@pytest.mark.parametrize(
    ("postcode", "department"),
    [
        ("93100", "93"),
        ("01000", "01"),
        ("75011", "75"),
        ("20000", "2A"),
        ("20190", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97411", "974"),
        ("97600", "976"),
        ("97500", "975"),
        ("97133", "977"),
        ("97150", "978"),
        ("98000", None),
        ("9310", None),
    ],
)
def test_the_departement_of_a_postcode(postcode, department):
    assert department_of_postcode(postcode) == department


def test_the_last_postcode_of_an_address_is_its_city():
    assert postcode_in("BP 30322\n2 rue X, 95027 Cergy-Pontoise Cedex") == "95027"
    assert department_of_address("5 rue des Lilas\n93100 Montreuil") == "93"
    assert department_of_address("sans adresse") is None
