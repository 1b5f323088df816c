"""Times in file names and on screen, and places named on a page: pure, no image needed."""

from datetime import UTC, date, datetime

import pytest

from creneau.watch.screenshot import places, when


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Screenshot_20260903-143201.png", datetime(2026, 9, 3, 14, 32, 1)),
        ("Screenshot_20260903-143201_Chrome.jpg", datetime(2026, 9, 3, 14, 32, 1)),
        (
            "Screenshot_2026-09-03-14-32-01-123_com.android.chrome.jpg",
            datetime(2026, 9, 3, 14, 32, 1),
        ),
        ("Capture d'écran 2026-09-03 à 14.32.01.png", datetime(2026, 9, 3, 14, 32, 1)),
        ("Capture d’écran 2026-09-03 à 14.32.01.png", datetime(2026, 9, 3, 14, 32, 1)),
        ("Screenshot 2026-09-03 at 2.32.01 PM.png", datetime(2026, 9, 3, 14, 32, 1)),
        ("Capture d'écran 2026-09-03 143210.png", datetime(2026, 9, 3, 14, 32, 10)),
        ("Screenshot from 2026-09-03 14-32-01.png", datetime(2026, 9, 3, 14, 32, 1)),
        ("Capture d'écran du 2026-09-03 14-32-01.png", datetime(2026, 9, 3, 14, 32, 1)),
        ("PXL_20260903_123201123.jpg", datetime(2026, 9, 3, 12, 32, 1, tzinfo=UTC)),
    ],
)
def test_it_reads_the_time_phones_and_computers_write_in_screenshot_names(name, expected):
    assert when.from_filename(name) == expected


@pytest.mark.parametrize(
    "name", ["IMG_0042.PNG", "IMG-20260905-WA0003.jpg", "preuve 3 septembre.png", "photo.jpg"]
)
def test_a_name_without_a_device_time_gives_none(name):
    assert when.from_filename(name) is None


def test_it_reads_clocks_dates_and_copyright_years():
    assert str(when.clock_in("14:32 ▾▴ 76 %")) == "14:32"
    assert str(when.clock_in("2:05 PM")) == "14:05"
    assert when.clock_in("76 %") is None
    assert when.dates_in("le 01/09/2026 et le mardi 15 septembre 2026") == [
        date(2026, 9, 1),
        date(2026, 9, 15),
    ]
    assert when.copyright_years("© 2019-2022 Préfecture ; (c) 2021") == [2022, 2021]


def test_it_finds_prefectures_and_sous_prefectures_named_on_a_page():
    found = places.named_places(
        [
            "Préfecture de la",
            "Seine-Saint-",
            "Denis",
            "sous-préfecture de Palaiseau, sous-préfecture du Raincy",
            "Préfecture de police",
            "Préfecture du Val-de-Mame",  # OCR reads « rn » as « m »
        ]
    )
    assert [(p.name, p.departments) for p in found] == [
        ("Préfecture — Seine-Saint-Denis", ("93",)),
        ("Sous-préfecture — Palaiseau", ("91",)),
        ("Sous-préfecture — Le Raincy", ("93",)),
        ("Préfecture de police", ("75",)),
        ("Préfecture — Val-de-Marne", ("94",)),
    ]


def test_a_name_shared_by_two_departements_keeps_both():
    (place,) = places.named_places(["Sous-préfecture de Saint-Pierre"])
    assert place.departments == ("972", "974")


def test_short_names_must_be_read_exactly():
    assert places.named_places(["Préfecture du Loiret"])[0].departments == ("45",)
    assert places.named_places(["Préfecture de la Loire"])[0].departments == ("42",)


def test_a_prefecture_site_names_its_departement():
    assert places.place_of_host("www.val-doise.gouv.fr").departments == ("95",)
    assert places.place_of_host("seine-maritime.gouv.fr").departments == ("76",)
    assert places.place_of_host("rdv-prefecture.interieur.gouv.fr") is None


def test_the_cases_demarche_families_come_from_its_procedure_kind_and_words():
    assert places.case_families("titre-sejour-renouvellement", "renewal", "") == {"renewal"}
    assert places.case_families("", "other", "Retrait de titre de séjour") == {"collection"}
    families = {f.code for f, _ in places.families_in("Titre de séjour étudiant — 1ère demande")}
    assert families == {"first_application", "student"}


@pytest.mark.parametrize(
    ("size", "mode", "kind"),
    [
        ((1, 1), "RGB", "PNG"),
        ((1080, 2400), "RGBA", "PNG"),
        ((300, 600), "P", "PNG"),
        ((800, 600), "RGB", "WEBP"),
    ],
)
def test_an_image_without_text_reads_unknown_and_says_nothing_is_stated(size, mode, kind):
    import io

    from PIL import Image

    from creneau.watch.screenshot import Expectation, check, read_screenshot

    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, kind)
    reading = read_screenshot(buffer.getvalue(), "x")
    assert (reading.outcome, reading.text, reading.statement) == ("unknown", "", "")
    assert [w.code for w in check(reading, Expectation())] == ["no_unavailability_statement"]
