"""What the privacy app keeps of its own: the content key of each imported case file."""

from django.db import models

from creneau.accounts.models import Organisation
from creneau.cases.models import Case


class ImportedCase(models.Model):
    """A case file imported into an organisation, by the SHA-256 of its content (the JSON and
    every attached file): importing the same content again gives back this case. Erasing the
    case erases this row with it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="one_case_per_content")
        ]

    def __str__(self) -> str:
        return f"{self.case} ← {self.key[:12]}"
