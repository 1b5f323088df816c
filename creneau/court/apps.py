from django.apps import AppConfig


class CourtConfig(AppConfig):
    name = "creneau.court"
    verbose_name = "Tribunal"

    def ready(self) -> None:
        # Added documents are exhibits of the requête (documents app, below this one).
        from creneau.court import availability
        from creneau.court.followups import latest_injunction
        from creneau.court.plan import added_documents
        from creneau.documents.execution import register_injunctions
        from creneau.documents.exhibits import register_added

        register_added(added_documents)
        register_added(availability.added_documents)
        register_injunctions(latest_injunction)
