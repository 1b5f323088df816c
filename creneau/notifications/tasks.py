"""Alert tasks, on their own queue so a slot alert never waits behind captures."""

from django_tasks import task

from creneau.notifications import alerts


@task(queue_name="alerts")
def send_slot_alerts(episode_id: int) -> dict[str, int]:
    logs = alerts.send_slot_alerts(episode_id)
    return {"sent": len(logs)}
