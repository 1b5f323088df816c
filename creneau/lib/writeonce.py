"""The write-once discipline of evidence rows (seals, captures, attempts, journal entries)."""

from typing import Any

from django.db import models


class WriteOnceModel(models.Model):
    """Evidence rows are never edited: only the fields in ``TRANSITIONS`` may change later.

    A correction is a new row. ``save()`` on an existing row must name its ``update_fields``
    and they must all be transition fields (a state change, linking a later attempt).
    """

    TRANSITIONS: frozenset[str] = frozenset()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = set(kwargs.get("update_fields") or ())
            if not fields or not fields <= self.TRANSITIONS:
                raise EvidenceImmutableError(
                    f"{type(self).__name__} rows are write-once; "
                    f"only {sorted(self.TRANSITIONS)} may change"
                )
        super().save(*args, **kwargs)


class EvidenceImmutableError(Exception):
    """Someone tried to edit evidence in place."""
