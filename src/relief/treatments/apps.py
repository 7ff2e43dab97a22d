from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_catalogue(sender, **kwargs):
    # lazy: models cannot be imported before the app registry is ready
    from relief.treatments.catalogue import sync_catalogue

    # lazy: AppConfig.ready: needs the loaded app registry
    from relief.treatments.models import Substance

    sync_catalogue(Substance)


class TreatmentsConfig(AppConfig):
    name = "relief.treatments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The built-in catalogue follows catalogue.yaml after every migrate, so an
        # edited catalogue needs no new migration.
        post_migrate.connect(_sync_catalogue, sender=self)
