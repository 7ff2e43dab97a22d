from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "relief.plans"
    default_auto_field = "django.db.models.BigAutoField"
