from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "relief.insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # lazy: AppConfig.ready: needs the loaded app registry
        from relief.insights import tasks, versions

        versions.connect()
        del tasks  # imported so that every worker knows the insights tasks by name
