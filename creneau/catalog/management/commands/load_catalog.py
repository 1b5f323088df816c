from typing import Any

from django.core.management.base import BaseCommand

from creneau.catalog.loader import load_catalog


class Command(BaseCommand):
    help = "Load or update départements, tribunals and procedures from catalog/data/*.csv."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = load_catalog()
        self.stderr.write(", ".join(f"{count} {name}" for name, count in counts.items()))
