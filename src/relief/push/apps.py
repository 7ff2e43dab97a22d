from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "relief.push"
    verbose_name = "Push reminders"
    default_auto_field = "django.db.models.BigAutoField"
