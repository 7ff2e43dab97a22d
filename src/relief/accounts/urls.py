from django.contrib.auth import views as auth
from django.urls import path, reverse_lazy

from relief.accounts import views

app_name = "accounts"


def _done(name: str):
    return reverse_lazy(f"accounts:{name}")


urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("link/<str:token>/", views.login_link, name="login_link"),
    path("settings/", views.settings_view, name="settings"),
    path("export/", views.export, name="export"),
    path("delete/", views.delete_account, name="delete"),
    path("confirm/", views.confirm, name="confirm"),
    path("password/change/", views.password_change, name="password_change"),
    path(
        "password/change/done/",
        auth.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/sent/",
        auth.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html", success_url=_done("password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
