from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from creneau.cases.models import Person
from creneau.cases.names import index_of


class Command(BaseCommand):
    help = (
        "Recompute the name search index of every person (after changing the first of "
        "CRENEAU_FIELD_KEYS: the index is keyed with it)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        for person in Person.objects.only("pk", "family_name", "given_names", "name_index"):
            index = index_of([person.family_name, person.given_names])
            if index != person.name_index:
                Person.objects.filter(pk=person.pk).update(name_index=index)
                changed += 1
        message = ngettext(
            "Index des noms recalculé : %(n)d personne modifiée.",
            "Index des noms recalculé : %(n)d personnes modifiées.",
            changed,
        )
        self.stderr.write(message % {"n": changed})
