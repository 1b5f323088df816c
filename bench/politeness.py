"""Requests per host per day against the number of cases following one booking page.

One simulated week (Monday to Saturday windows), the real scheduler, claims and politeness
budget, a fake driver run that only counts. Watching stays flat as cases grow; evidence runs grow
until the budget caps them, then the scheduler degrades evenly (every case still weekly).

    uv run python bench/politeness.py [--weeks 1] [--cases 1,10,100,1000]
"""

import argparse
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import django_with_fresh_database

PARIS = ZoneInfo("Europe/Paris")
STEP = timedelta(minutes=6)


def run(count: int, weeks: int, start: datetime) -> dict[str, float]:
    import time_machine
    from django.utils import timezone

    from creneau.accounts.models import Organisation
    from creneau.cases.models import Case, Person
    from creneau.catalog.models import BookingPage, Department
    from creneau.scheduling import attempts, planning, scheduler, tasks
    from creneau.scheduling.models import HostBudget

    host = f"bench-{count}.example"
    page = BookingPage.objects.create(url=f"https://{host}/booking/create/1", system="legacy")
    organisation = Organisation.objects.create(name=f"bench {count}", slug=f"bench-{count}")
    people = Person.objects.bulk_create(
        Person(organisation=organisation, family_name=f"P{n}") for n in range(count)
    )
    department = Department.objects.get(code="93")
    Case.objects.bulk_create(
        Case(
            organisation=organisation,
            person=p,
            procedure_kind="first_application",
            department=department,
            booking_page=page,
        )
        for p in people
    )
    runs: dict[str, list[datetime]] = defaultdict(list)
    per_case: dict[int, set[tuple[int, int]]] = defaultdict(set)

    def watched(p: BookingPage) -> attempts.RunResult:
        runs["watch"].append(timezone.now())
        return attempts.RunResult("no_slot", 200)

    def attempted(case: Case) -> attempts.RunResult:
        runs["evidence"].append(timezone.now())
        per_case[case.pk].add(timezone.now().isocalendar()[:2])
        return attempts.RunResult("no_slot", 200)

    def dispatch(work: scheduler.Work) -> None:
        if work.kind == "watch":
            attempts.watch_page(work.row_id, work.claim, visit=watched)
        elif work.kind == "evidence":
            attempts.evidence_attempt(work.row_id, work.claim, visit=attempted)
        else:
            tasks.periodic_job(work.row_id, work.claim)

    window, now = planning.evidence_window(), start
    with time_machine.travel(now, tick=False) as clock:
        while now < start + timedelta(weeks=weeks):
            if window.contains(now, PARIS):
                scheduler.tick(now, dispatch=dispatch)
                now += STEP
            else:
                now = planning.next_window_start(now, window, PARIS)
            clock.move_to(now)
        planning.update_budget_status(now)
    days = weeks * len(window.days)
    budget = HostBudget.objects.get(host=host)
    weekly = min((len(w) for w in per_case.values()), default=0) if len(per_case) == count else 0
    Case.objects.filter(organisation=organisation).update(status="closed")  # out of later runs
    return {
        "cases": count,
        "watch_per_day": len(runs["watch"]) / days,
        "evidence_per_day": len(runs["evidence"]) / days,
        "total_per_day": (len(runs["watch"]) + len(runs["evidence"])) / days,
        "evidence_per_case_week": len(runs["evidence"]) / count / weeks,
        "weeks_covered_min": weekly,
        "degraded": budget.degraded_since is not None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=1)
    parser.add_argument("--cases", default="1,10,100,1000")
    options = parser.parse_args()
    django_with_fresh_database()
    from django.conf import settings

    start = datetime(2026, 3, 2, tzinfo=PARIS)
    ceiling = settings.POLITENESS_CAPACITY + 11 * 3600 / settings.POLITENESS_REFILL_SECONDS
    print(
        f"budget: burst {settings.POLITENESS_CAPACITY}, one run every "
        f"{settings.POLITENESS_REFILL_SECONDS} s -> at most {ceiling:.0f} runs/host/day (08-19h)"
    )
    print("cases  watch/day  evidence/day  total/day  evidence/case/week  weeks-covered  degraded")
    for count in (int(c) for c in options.cases.split(",")):
        r = run(count, options.weeks, start)
        print(
            f"{r['cases']:>5}  {r['watch_per_day']:>9.1f}  {r['evidence_per_day']:>12.1f}  "
            f"{r['total_per_day']:>9.1f}  {r['evidence_per_case_week']:>18.2f}  "
            f"{r['weeks_covered_min']:>13}/{options.weeks}  {r['degraded']}"
        )


if __name__ == "__main__":
    main()
