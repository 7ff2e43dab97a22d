from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "relief.offline"
    verbose_name = "Offline logging"
    default_auto_field = "django.db.models.BigAutoField"
