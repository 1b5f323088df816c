from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """One file in the write-once evidence store, known by its SHA-256."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fichier de preuve")
        verbose_name_plural = _("fichiers de preuve")

    def __str__(self) -> str:
        return self.sha256
