"""Cost of the classifier: judging a page vs only parsing it (what a person sees of it).

    uv run python bench/classify.py [--runs 7]

Two pages: the corpus (every labelled page, one after another) and one large prefecture page
(a 3,000-row table, an 800-item menu, 300 radios around the no-slot form). Parsing
(``pagetext.read``) and classifying run interleaved in one process; prints the median time of
each and the ratio classify ÷ parse. The scope and offer judgements of issue 18 must stay
linear in the page: the ratio, not the time, is what to watch.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from creneau.watch.classify import classify  # noqa: E402
from creneau.watch.pagetext import read  # noqa: E402

CORPUS = ROOT / "tests" / "watch" / "corpus"
LEGACY_URL = "https://www.hauts-de-seine.gouv.fr/booking/create/12083/2"


def large_page() -> str:
    rows = "".join(
        f"<tr><td>Ligne {i}</td><td><a href='/d{i}'>Document {i}</a></td><td>{i % 31 + 1}</td></tr>"
        for i in range(3000)
    )
    menu = "".join(
        f"<li><a href='/m{i}'>Rubrique {i}</a><ul><li><a>Sous-rubrique {i}</a></li></ul></li>"
        for i in range(800)
    )
    radios = "".join(
        f"<p><input type=radio id=r{i} name=g><label for=r{i}>Option {i}</label></p>"
        for i in range(300)
    )
    form = (
        "<div id='inner_Booking'><form id='FormBookingCreate'>Il n'existe plus de plage horaire "
        "libre pour votre demande de rendez-vous.<input type=submit name=finishButton "
        "value=Terminer></form></div>"
    )
    return (
        f"<html><body><main>{form}<table>{rows}</table><ul>{menu}</ul>{radios}</main></body></html>"
    )


def timed(work: Callable[[], object]) -> float:
    clock = time.perf_counter()
    work()
    return time.perf_counter() - clock


def measure(name: str, pages: list[tuple[str, str]], runs: int) -> None:
    parse: list[float] = []
    judge: list[float] = []
    for _ in range(runs):
        parse.append(timed(lambda: [read(html) for html, _ in pages]))
        judge.append(timed(lambda: [classify(html, final_url=url) for html, url in pages]))
    p, j = statistics.median(parse), statistics.median(judge)
    print(f"{name:28} parse {p * 1000:8.1f} ms   classify {j * 1000:8.1f} ms   ratio {j / p:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    corpus = [(path.read_text(encoding="utf-8"), "") for path in sorted(CORPUS.glob("*.html"))]
    measure(f"corpus ({len(corpus)} pages)", corpus, runs)
    measure("large page (330 KB)", [(large_page(), LEGACY_URL)], runs)


if __name__ == "__main__":
    main()
