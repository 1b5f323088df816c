# ruff: noqa: RUF005 -- the histories read as "series + extra attempts".
"""Write the review's case histories (docs/case-format.md). Run: uv run python generate.py

Every history is fictional. Dates are Paris times in 2026; the tests assess them on a fixed day
(``expected.json``), so the histories never go stale.
"""

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
PARIS = ZoneInfo("Europe/Paris")
SHOT = ["files/capture.png"]
MONDAY = date(2026, 8, 31)  # weeks before the assessment day, 2026-11-25


def moment(day: date, hour: int = 10, minute: int = 7) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS).isoformat()


def online(
    day: date,
    hour: int = 10,
    outcome: str = "no_slot",
    files: list[str] | None = None,
    minute: int = 7,
) -> dict[str, Any]:
    return {
        "channel": "online",
        "at": moment(day, hour, minute),
        "outcome": outcome,
        "files": SHOT if files is None else files,
    }


def weekly(
    start: date, weeks: int, days: tuple[int, ...] = (0, 3), **kw: Any
) -> list[dict[str, Any]]:
    hours = (9, 14, 19)
    return [
        online(start + timedelta(weeks=w, days=d), hours[(w + i) % 3], **kw)
        for w in range(weeks)
        for i, d in enumerate(days)
    ]


def email(day: date, files: list[str] | None = None) -> dict[str, Any]:
    return {
        "channel": "email",
        "at": moment(day, 11),
        "outcome": "sent",
        "files": ["files/email.eml"] if files is None else files,
    }


def letter(day: date) -> dict[str, Any]:
    return {"channel": "letter", "at": moment(day, 16), "outcome": "delivered", "files": SHOT}


def case(kind: str, attempts: list[dict[str, Any]], **facts: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "person": {
            "family_name": "Exemple",
            "given_names": "Awa",
            "birth_date": "1990-04-02",
            "nationality": "sénégalaise",
        },
        "procedure": {"kind": kind, "title": "carte de séjour temporaire", "ground": "salarié"},
        "department": "93",
        "booking_url": "https://www.seine-saint-denis.gouv.fr/booking/create/9845",
        "facts": {
            "title_expires_on": None,
            "unexecuted_oqtf": False,
            "employment": False,
            "social_benefits": False,
            "particular_circumstances": "",
        }
        | facts,
        "attempts": attempts,
    }
    status = facts.pop("status", None) if "status" in facts else None
    data["facts"].pop("status", None)
    if status:
        data["status"] = status
    return data


EXPIRES = "2026-12-20"  # renewal: 25 days after the assessment day
LAST = MONDAY + timedelta(weeks=12)  # 2026-11-23
W8 = MONDAY + timedelta(weeks=4)  # an 8-week series ends on the assessment week

HISTORIES: dict[str, dict[str, Any]] = {
    "zero_attempts": case("first_application", [], employment=True),
    "one_channel_online_12w": case("renewal", weekly(MONDAY, 12), title_expires_on=EXPIRES),
    "burst_one_day": case(
        "renewal",
        [online(LAST, 8 + i // 6, minute=(i * 9) % 60) for i in range(60)]
        + [email(LAST), letter(LAST)],
        title_expires_on=EXPIRES,
    ),
    "burst_three_days": case(
        "renewal",
        [online(MONDAY + timedelta(weeks=8), 8 + i // 6, minute=(i * 9) % 60) for i in range(40)]
        + [
            online(MONDAY + timedelta(weeks=10), 10),
            online(LAST, 15),
            email(MONDAY + timedelta(weeks=10)),
            letter(LAST),
        ],
        title_expires_on=EXPIRES,
    ),
    **{
        f"spread_{weeks}w": case(
            "first_application",
            weekly(LAST - timedelta(weeks=weeks - 1), weeks)
            + [email(LAST - timedelta(weeks=weeks - 1, days=-1)), letter(LAST - timedelta(days=5))],
            employment=True,
        )
        for weeks in (2, 4, 8, 12)
    },
    "renewal_online_only_8w": case("renewal", weekly(W8, 8), title_expires_on=EXPIRES),
    "renewal_mixed_8w": case(
        "renewal",
        weekly(W8, 8) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
    ),
    "counter_with_witness": case(
        "renewal",
        weekly(W8, 8)
        + [
            email(W8 + timedelta(days=1)),
            letter(W8 + timedelta(weeks=3)),
            {
                "channel": "counter",
                "at": moment(W8 + timedelta(weeks=5), 9),
                "outcome": "refused",
                "note": "témoin : attestation jointe",
                "files": ["files/attestation.pdf"],
            },
        ],
        title_expires_on=EXPIRES,
    ),
    "counter_without_witness": case(
        "renewal",
        weekly(W8, 8)
        + [
            email(W8 + timedelta(days=1)),
            letter(W8 + timedelta(weeks=3)),
            {
                "channel": "counter",
                "at": moment(W8 + timedelta(weeks=5), 9),
                "outcome": "refused",
                "note": "seule, sans témoin",
            },
        ],
        title_expires_on=EXPIRES,
    ),
    "slots_seen_long_ago": case(
        "renewal",
        [online(W8 + timedelta(days=1), 12, "slots_available")]
        + weekly(W8, 8)
        + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
    ),
    "slots_seen_last": case(
        "renewal",
        weekly(W8, 8)
        + [
            email(W8 + timedelta(days=1)),
            letter(W8 + timedelta(weeks=3)),
            online(LAST + timedelta(days=1), 20, "slots_available"),
        ],
        title_expires_on=EXPIRES,
    ),
    "attempts_after_assessment_day": case(
        "renewal",
        weekly(W8, 8) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
    ),
    "renewal_before_window": case(
        "renewal",
        weekly(W8, 8) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on="2027-09-30",
    ),
    "renewal_partly_before_window": case(
        "renewal",
        weekly(MONDAY, 12) + [email(MONDAY + timedelta(weeks=9)), letter(LAST)],
        title_expires_on="2027-02-15",
    ),
    "errors_only": case(
        "renewal",
        [
            online(d["at"][:10] and date.fromisoformat(d["at"][:10]), 10, o)
            for d, o in zip(
                weekly(W8, 8), ["error", "captcha", "unknown", "queue"] * 4, strict=True
            )
        ]
        + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
    ),
    "errors_and_two_no_slot_days": case(
        "renewal",
        [online(date.fromisoformat(d["at"][:10]), 10, "error") for d in weekly(W8, 8)]
        + [
            online(W8 + timedelta(days=2), 9),
            online(LAST, 9),
            email(W8 + timedelta(days=1)),
            letter(W8 + timedelta(weeks=3)),
        ],
        title_expires_on=EXPIRES,
    ),
    "imported_without_files_8w": case(
        "renewal",
        weekly(W8, 8, files=[]) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
    ),
    "title_expired": case(
        "renewal",
        weekly(W8, 8) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on="2026-10-01",
    ),
    "title_expiring_in_5_days": case(
        "renewal",
        weekly(W8, 8) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on="2026-11-30",
    ),
    "oqtf_unexecuted": case(
        "first_application",
        weekly(MONDAY, 12)
        + [email(MONDAY + timedelta(days=1)), letter(MONDAY + timedelta(weeks=5))],
        unexecuted_oqtf=True,
        employment=True,
    ),
    "first_application_no_urgency": case(
        "first_application",
        weekly(MONDAY, 12)
        + [email(MONDAY + timedelta(days=1)), letter(MONDAY + timedelta(weeks=5))],
    ),
    "employment_lost": case(
        "first_application",
        weekly(MONDAY, 12)
        + [email(MONDAY + timedelta(days=1)), letter(MONDAY + timedelta(weeks=5))],
        employment=True,
        particular_circumstances="licenciement faute de titre",
    ),
    "filed_case": case(
        "renewal",
        weekly(W8, 8) + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
        status="filed",
    ),
    "dst_week": case(
        "renewal",
        [
            {"channel": "online", "at": a, "outcome": "no_slot", "files": SHOT}
            for a in (
                "2026-10-25T02:30:00+02:00",
                "2026-10-25T02:30:00+01:00",
                "2026-10-26T00:30:00+01:00",
                "2026-10-24T23:30:00+00:00",
            )
        ]
        + weekly(MONDAY + timedelta(weeks=9), 3)
        + [email(date(2026, 10, 27)), letter(date(2026, 11, 10))],
        title_expires_on=EXPIRES,
    ),
    "duplicates_same_minute": case(
        "renewal",
        [a for a in weekly(W8, 8, days=(0,)) for _ in range(4)]
        + [email(W8 + timedelta(days=1)), letter(W8 + timedelta(weeks=3))],
        title_expires_on=EXPIRES,
    ),
    "many_500": case(
        "renewal",
        [
            online(MONDAY + timedelta(days=i // 6), (7 + 3 * i) % 24, minute=i % 60)
            for i in range(496)
        ]
        + [
            email(MONDAY + timedelta(weeks=2)),
            letter(MONDAY + timedelta(weeks=6)),
            email(MONDAY + timedelta(weeks=8)),
            letter(MONDAY + timedelta(weeks=11)),
        ],
        title_expires_on=EXPIRES,
    ),
}


def main() -> None:
    for name, data in HISTORIES.items():
        (HERE / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(len(HISTORIES), "histories")


if __name__ == "__main__":
    main()
