from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "creneau.correspondence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The e-mails this app sent itself are attempts Créneau witnessed (evidence.states).
        from creneau.correspondence.sending import sent_by_creneau
        from creneau.evidence.states import register_witness

        register_witness("sent_mail", sent_by_creneau)
