from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "relief.diary"
    default_auto_field = "django.db.models.BigAutoField"
