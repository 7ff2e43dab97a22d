from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "relief.safety"
    default_auto_field = "django.db.models.BigAutoField"
