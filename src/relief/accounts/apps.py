from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "relief.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # lazy: AppConfig.ready: needs the loaded app registry
        from relief.accounts import sudo  # noqa: F401 (connects the sign-in time receiver)
