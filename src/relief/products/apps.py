from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "relief.products"
    default_auto_field = "django.db.models.BigAutoField"
