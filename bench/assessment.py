"""How the sufficiency assessment scales with the number of attempts (pure rules, no database).

Prints the median time to assess 50, 500 and 5,000 attempts, and each one's ratio to the
50-attempt run measured in the same process. Nothing is asserted: this measures.

    uv run python bench/assessment.py [--runs 9]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creneau.settings")


def history(count: int) -> list:
    from creneau.assessment.facts import AttemptFact

    start = datetime(2026, 1, 5, 7, tzinfo=UTC)
    return [
        AttemptFact(
            channel="online",
            at=start + timedelta(days=i * 84 // count, hours=(3 * i) % 12),
            outcome="no_slot",
            evidence="sealed",
            has_files=True,
        )
        for i in range(count)
    ]


def main() -> None:
    import django

    django.setup()
    from creneau.assessment.facts import CaseFacts
    from creneau.assessment.thresholds import load_thresholds
    from creneau.assessment.verdict import assess

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    thresholds = load_thresholds()
    medians = {}
    for count in (50, 500, 5000):
        facts = CaseFacts(
            procedure_kind="renewal",
            today=datetime(2026, 4, 1, tzinfo=UTC).date(),
            attempts=tuple(history(count)),
        )
        times = []
        for _ in range(args.runs):
            began = time.perf_counter()
            assess(facts, thresholds)
            times.append(time.perf_counter() - began)
        medians[count] = statistics.median(times)
    for count, median in medians.items():
        ratio = median / medians[50]
        print(f"{count:>6} attempts: median {median * 1000:7.2f} ms   ratio {ratio:6.1f}")


if __name__ == "__main__":
    main()
