import datetime
import re

import pytest
import time_machine

from creneau.cases.models import Case, CourtEvent
from creneau.court.calendar import ics
from creneau.court.followups import deadlines, proposals
from creneau.court.services import record_event
from creneau.documents.generate import draft_document, render_document

Kind = CourtEvent.Kind
DAY = datetime.date


def events_of(case: Case) -> list[CourtEvent]:
    return list(CourtEvent.objects.filter(case=case).order_by("occurred_on", "id"))


@pytest.mark.django_db
def test_the_case_status_follows_the_filing_the_injunction_and_the_appointment(alice_case):
    record_event(alice_case, None, kind=Kind.FILED, occurred_on=DAY(2026, 9, 1), court_number="1")
    assert Case.objects.get(pk=alice_case.pk).status == Case.Status.FILED
    record_event(alice_case, None, kind=Kind.HEARING, occurred_on=DAY(2026, 9, 8))
    assert Case.objects.get(pk=alice_case.pk).status == Case.Status.FILED
    record_event(
        alice_case,
        None,
        kind=Kind.INJUNCTION,
        occurred_on=DAY(2026, 9, 9),
        court_number="2612345",
        deadline_days=8,
    )
    assert Case.objects.get(pk=alice_case.pk).status == Case.Status.INJUNCTION
    record_event(alice_case, None, kind=Kind.APPOINTMENT_OFFERED, occurred_on=DAY(2026, 9, 12))
    assert Case.objects.get(pk=alice_case.pk).status == Case.Status.APPOINTMENT
    record_event(alice_case, None, kind=Kind.CLOSED, occurred_on=DAY(2026, 10, 1))
    assert Case.objects.get(pk=alice_case.pk).status == Case.Status.CLOSED


@pytest.mark.django_db
def test_court_events_are_append_only(alice_case):
    event = record_event(alice_case, None, kind=Kind.FILED, occurred_on=DAY(2026, 9, 1))
    event.court_number = "changed"
    with pytest.raises(Exception, match="write-once"):
        event.save()


@pytest.mark.django_db
def test_the_execution_request_is_proposed_once_the_injunction_deadline_has_passed(alice_case):
    """GIVEN an injunction notified on 10 Sept with 8 days to give an appointment
    WHEN no appointment is recorded by 18 Sept
    THEN the execution request is proposed the next day, with the ordonnance's facts."""
    record_event(
        alice_case,
        None,
        kind=Kind.INJUNCTION,
        occurred_on=DAY(2026, 9, 9),
        notified_on=DAY(2026, 9, 10),
        court_number="2612345",
        deadline_days=8,
        astreinte=100,
    )
    (due,) = deadlines(events_of(alice_case))
    assert due.due == DAY(2026, 9, 18)
    with time_machine.travel(datetime.datetime(2026, 9, 18, 12, tzinfo=datetime.UTC)):
        assert proposals(events_of(alice_case), DAY(2026, 9, 18)) == []
    with time_machine.travel(datetime.datetime(2026, 9, 19, 12, tzinfo=datetime.UTC)):
        (proposal,) = proposals(events_of(alice_case), datetime.date.today())
    assert proposal.kind == "execution"
    assert proposal.options["ordonnance_number"] == "2612345"
    text = draft_document(alice_case, "execution", **proposal.options).text
    assert "2612345" in text
    record_event(alice_case, None, kind=Kind.APPOINTMENT_OFFERED, occurred_on=DAY(2026, 9, 20))
    assert proposals(events_of(alice_case), DAY(2026, 9, 25)) == []


@pytest.mark.django_db
def test_a_rejection_starts_the_cassation_delay_and_proposes_a_new_requete(alice_case):
    record_event(
        alice_case,
        None,
        kind=Kind.TRI,
        occurred_on=DAY(2026, 9, 9),
        notified_on=DAY(2026, 9, 11),
        court_number="2612999",
        text="Les démarches sont concentrées sur une seule semaine.",
    )
    assert Case.objects.get(pk=alice_case.pk).status == Case.Status.GATHERING
    (due,) = deadlines(events_of(alice_case))
    assert (due.key, due.due) == ("cassation", DAY(2026, 9, 26))
    (proposal,) = proposals(events_of(alice_case), DAY(2026, 9, 12))
    assert proposal.kind == "requete"
    document = render_document(alice_case, "requete", date="2026-10-20", **proposal.options)
    text = " ".join(document.text.split())
    assert "Sur l'ordonnance de rejet du 9 septembre 2026" in text
    assert "concentrées sur une seule semaine" in text
    assert "réponse aux motifs de l'ordonnance de rejet" in document.missing


@pytest.mark.django_db
def test_the_deadlines_export_as_an_rfc_5545_calendar(alice_case):
    record_event(
        alice_case,
        None,
        kind=Kind.INJUNCTION,
        occurred_on=DAY(2026, 9, 9),
        notified_on=DAY(2026, 9, 10),
        court_number="2612345",
        deadline_days=8,
    )
    record_event(alice_case, None, kind=Kind.HEARING, occurred_on=DAY(2026, 9, 3))
    now = datetime.datetime(2026, 9, 11, 8, 30, tzinfo=datetime.UTC)
    text = ics(alice_case.reference, deadlines(events_of(alice_case)), now)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == unfolded.count("END:VEVENT") == 2
    uids = re.findall(r"^UID:(.+)$", unfolded, re.M)
    assert len(set(uids)) == 2 and all("@" in uid for uid in uids)
    assert unfolded.count("DTSTAMP:20260911T083000Z") == 2
    assert "DTSTART;VALUE=DATE:20260918\r\nDTEND;VALUE=DATE:20260919" in unfolded
    assert "SUMMARY:Fin du délai d'exécution de l'ordonnance n° 2612345" in unfolded
    assert "VERSION:2.0" in unfolded and "PRODID:" in unfolded
