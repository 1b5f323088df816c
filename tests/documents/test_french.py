import datetime
from zoneinfo import ZoneInfo

from creneau.documents.french import euros, fix_typography, french_date, french_datetime

UTC = datetime.UTC


def test_the_first_of_the_month_is_written_1er():
    assert french_date(datetime.date(2026, 9, 1)) == "1er septembre 2026"
    assert french_date(datetime.date(2026, 9, 2), weekday=True) == "mercredi 2 septembre 2026"


def test_times_are_given_in_paris_whatever_the_stored_zone():
    moment = datetime.datetime(2026, 2, 28, 23, 30, tzinfo=UTC)  # 1 March, 00:30 in Paris
    assert french_datetime(moment) == "dimanche 1er mars 2026 à 0\u00a0h\u00a030"
    summer = datetime.datetime(2026, 7, 14, 9, 5, tzinfo=ZoneInfo("Europe/Paris"))
    assert french_datetime(summer).endswith("à 9\u00a0h\u00a005")


def test_guillemets_and_high_punctuation_get_non_breaking_spaces_outside_tags_only():
    html = '<p class="a">Le message « aucun créneau » : voir <a href="https://x.fr/a:b">ici</a></p>'
    fixed = fix_typography(html)
    assert "«\u00a0aucun créneau\u00a0»\u00a0:" in fixed
    assert 'href="https://x.fr/a:b"' in fixed


def test_amounts_are_in_euros_with_a_non_breaking_space():
    assert euros(1500) == "1\u00a0500\u00a0€"
