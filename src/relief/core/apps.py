from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relief.core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # lazy: AppConfig.ready: needs the loaded app registry
        from relief.core import checks  # noqa: F401  (registers the start-up checks)
