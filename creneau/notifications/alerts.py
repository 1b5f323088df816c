"""Slot alerts and assisted-attempt reminders: who gets what, in which language, once.

1. a page answers ``slots_available``: an episode opens (once per page until the next
   ``no_slot``/``closed``) and one alert task is queued;
2. the task sends, for each active case following the page, one message through each channel
   of the person and of the volunteer who opened the case (an address two channels share is
   written to once), each in the channel's language, with the booking link;
3. every send leaves an ``AlertLog`` row; a unique constraint keeps it to one per episode and
   channel, so a retried task never alerts twice.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django_tasks import task

from creneau.cases.models import Case, Outcome, Person
from creneau.catalog.models import BookingPage
from creneau.notifications import sms, transport
from creneau.notifications.models import AlertLog, NotificationChannel, SlotEpisode

CLOSING_OUTCOMES = frozenset({Outcome.NO_SLOT, Outcome.CLOSED})
LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


@dataclass(frozen=True)
class Message:
    title: str
    body: str


@dataclass(frozen=True)
class Recipient:
    kind: str  # AlertLog.Recipient
    urls: tuple[str, ...]
    language: str
    target: str = ""  # AlertLog.target: which of the recipient's ways
    short: bool = False  # an SMS: the short message


# --- (1) episodes ----------------------------------------------------------------------------


def page_answered(page: BookingPage, outcome: str, now: datetime | None = None) -> None:
    """Open or close the page's availability episode after any attempt at it."""
    now = now or timezone.now()
    if outcome == "slots_available":
        episode = open_episode(page, now)
        if episode is not None:
            transaction.on_commit(lambda: _queue_alerts(episode.pk))
    elif outcome in CLOSING_OUTCOMES:
        SlotEpisode.objects.filter(page=page, closed_at__isnull=True).update(closed_at=now)


def open_episode(page: BookingPage, now: datetime) -> SlotEpisode | None:
    """A new episode, or None when one is already open (nobody is alerted twice)."""
    if SlotEpisode.objects.filter(page=page, closed_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            return SlotEpisode.objects.create(page=page, opened_at=now)
    except IntegrityError:  # another worker opened it a moment ago
        return None


def _queue_alerts(episode_id: int) -> None:
    alert_episode.enqueue(episode_id)


@task(queue_name="alerts")  # its own queue: a slot alert never waits behind captures
def alert_episode(episode_id: int) -> dict[str, int]:
    return {"sent": len(send_slot_alerts(episode_id))}


# --- (2) recipients and messages -------------------------------------------------------------


def language_of(person: Person, channel: NotificationChannel | None = None) -> str:
    chosen = (channel.language if channel else "") or person.preferred_language
    return chosen if chosen in LANGUAGE_CODES else settings.LANGUAGE_CODE


def person_recipients(person: Person) -> list[Recipient]:
    """Each of the person's own channels; their e-mail address when none of them can carry a
    message (they set none, or only an SMS number while no SMS can leave)."""
    channels = person.notification_channels.filter(enabled=True).order_by("created_at", "pk")
    found = _distinct(
        AlertLog.Recipient.PERSON, list(channels), person.organisation_id, person_language(person)
    )
    if not any(recipient.urls for recipient in found) and person.email:
        found.append(
            Recipient(
                AlertLog.Recipient.PERSON,
                (transport.mail_url(person.email),),
                language_of(person),
                "email",
            )
        )
    return found


def volunteer_recipients(user: AbstractBaseUser | None) -> list[Recipient]:
    if user is None:
        return []
    channels = NotificationChannel.objects.filter(user_id=user.pk, enabled=True)
    found = _distinct(
        AlertLog.Recipient.VOLUNTEER,
        list(channels.order_by("created_at", "pk")),
        None,
        lambda channel: channel.language or settings.LANGUAGE_CODE,
    )
    email = getattr(user, "email", "")
    if not channels.exists() and email:
        found.append(
            Recipient(
                AlertLog.Recipient.VOLUNTEER,
                (transport.mail_url(email),),
                settings.LANGUAGE_CODE,
                "email",
            )
        )
    return found


def person_language(person: Person) -> Callable[[NotificationChannel], str]:
    return lambda channel: language_of(person, channel)


def _distinct(
    kind: str,
    channels: list[NotificationChannel],
    organisation_id: int | None,
    language: Callable[[NotificationChannel], str],
) -> list[Recipient]:
    """One recipient per channel; an address already reached through an earlier channel of the
    same person is not written to twice."""
    seen: set[str] = set()
    found = []
    for channel in channels:
        lines = [u for u in channel.url_list() if address_key(u) not in seen]
        seen.update(address_key(u) for u in lines)
        if not lines:
            continue  # every address is another channel's: that one alerts
        urls = sms.delivery_urls(lines, organisation_id)
        short = any(sms.number_of(line) for line in lines)
        found.append(
            Recipient(kind, tuple(urls), language(channel), f"channel:{channel.pk}", short)
        )
    return found


def address_key(url: str) -> str:
    """What makes two channel lines the same address: the recipient of an e-mail URL (whatever
    server it goes through), the line itself otherwise."""
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "mailtos"}:
        to = ",".join(sorted(parse_qs(parts.query).get("to", [])))
        return "mailto:" + to.lower() if to else url
    return url


def channel_urls(channel: NotificationChannel) -> list[str]:
    """The Apprise URLs a channel is sent to now (an SMS number through the organisation's
    provider, when it has one)."""
    organisation_id = channel.person.organisation_id if channel.person else None
    return sms.delivery_urls(channel.url_list(), organisation_id)


def is_sms(channel: NotificationChannel) -> bool:
    return any(sms.number_of(line) for line in channel.url_list())


def render(template: str, title: str, language: str, context: Mapping[str, object]) -> Message:
    """The message in ``language``; an SMS (``*_sms``) has no title: it would be prepended."""
    with translation.override(language):
        body = render_to_string(f"notifications/{template}.txt", dict(context)).strip()
        if template.endswith("_sms"):
            # Non-breaking spaces (French « : ») would switch the SMS to UCS-2: twice the price.
            return Message(title="", body=body.replace("\u00a0", " ").replace("\u202f", " "))
        title_text = render_to_string(f"notifications/{title}.txt", dict(context)).strip()
        return Message(title=title_text, body=body)


def day_and_time(moment: datetime, language: str) -> dict[str, str]:
    """``day`` as ``language`` writes it, and the 24-hour ``time``, in Paris time (a sentence
    goes on after it: « 10:07 a.m. » would end it twice)."""
    local = timezone.localtime(moment)
    with translation.override(language):
        return {"day": formats.date_format(local, "DATE_FORMAT"), "time": f"{local:%H:%M}"}


def slot_message(case: Case, episode: SlotEpisode, recipient: Recipient) -> Message:
    page = episode.page
    context = {
        "page": page.label or page.url,
        "url": page.url,
        "reference": case.reference,
        **day_and_time(episode.opened_at, recipient.language),
    }
    template = "slots_person" if recipient.kind == AlertLog.Recipient.PERSON else "slots_volunteer"
    if recipient.short:
        template = "slots_sms"
    return render(template, "slots_title", recipient.language, context)


# --- (3) sending -----------------------------------------------------------------------------


def send_slot_alerts(episode_id: int) -> list[AlertLog]:
    """Alert everyone following the episode's page (once each; safe to run again)."""
    episode = SlotEpisode.objects.select_related("page").get(pk=episode_id)
    cases = Case.objects.filter(booking_page=episode.page, status__in=Case.ACTIVE_STATUSES)
    logs: list[AlertLog] = []
    for case in cases.select_related("person", "created_by"):
        for recipient in _recipients_of(case):
            log = _send_once(case, episode, recipient)
            if log is not None:
                logs.append(log)
    return logs


def _recipients_of(case: Case) -> list[Recipient]:
    found = person_recipients(case.person) + volunteer_recipients(case.created_by)
    kinds = {r.kind for r in found}
    missing = [k for k in AlertLog.Recipient.values if k not in kinds]
    # A recipient without any channel is logged as such, so the UI can ask for one.
    return found + [Recipient(kind, (), settings.LANGUAGE_CODE) for kind in missing]


def _send_once(case: Case, episode: SlotEpisode, recipient: Recipient) -> AlertLog | None:
    done = AlertLog.objects.filter(
        episode=episode, case=case, recipient=recipient.kind, target=recipient.target
    )
    if done.exclude(result=AlertLog.Result.FAILED).exists():
        return None
    message = slot_message(case, episode, recipient)
    result, error = _deliver(recipient.urls, message)
    done.filter(result=AlertLog.Result.FAILED).delete()  # a retry replaces a failure
    try:
        with transaction.atomic():
            return AlertLog.objects.create(
                kind=AlertLog.Kind.SLOTS,
                episode=episode,
                case=case,
                recipient=recipient.kind,
                target=recipient.target,
                language=recipient.language,
                result=result,
                error=error,
                sent_at=timezone.now(),
            )
    except IntegrityError:  # a concurrent retry
        return None


def _deliver(urls: Sequence[str], message: Message) -> tuple[str, str]:
    if not urls:
        return AlertLog.Result.NO_CHANNEL, ""
    delivery = transport.notify(urls, message.title, message.body)
    if delivery.delivered:  # the error, if any, names a channel refused beside the one that worked
        return AlertLog.Result.DELIVERED, delivery.error
    return AlertLog.Result.FAILED, delivery.error


def send_reminder(case: Case, link: str, expires_at: datetime) -> list[AlertLog]:
    """Ask the person to make an assisted attempt now, with their personal link."""
    logs = []
    page = case.booking_page
    for recipient in person_recipients(case.person) or [
        Recipient(AlertLog.Recipient.PERSON, (), language_of(case.person))
    ]:
        context = {
            "page": (page.label or page.url) if page else "",
            "link": link,
            "reference": case.reference,
            **day_and_time(expires_at, recipient.language),
        }
        template = "reminder_sms" if recipient.short else "reminder_person"
        message = render(template, "reminder_title", recipient.language, context)
        result, error = _deliver(recipient.urls, message)
        logs.append(
            AlertLog.objects.create(
                kind=AlertLog.Kind.REMINDER,
                case=case,
                recipient=recipient.kind,
                target=recipient.target,
                language=recipient.language,
                result=result,
                error=error,
                sent_at=timezone.now(),
            )
        )
    return logs
