"""URL configuration: each domain app contributes its own ``urls.py``."""

from django.urls import include, path

from relief.core.health import healthz

urlpatterns = [
    path("api/", include("relief.api.urls")),
    path("", include("relief.sharing.urls")),
    path("healthz", healthz, name="healthz"),
    path("", include("relief.offline.urls")),
    path("push/", include("relief.push.urls")),
    path("", include("relief.core.urls")),
    path("accounts/", include("relief.accounts.urls")),
    path("diary/", include("relief.diary.urls")),
    path("treatments/", include("relief.treatments.urls")),
    path("products/", include("relief.products.urls")),
    path("exchange/", include("relief.exchange.urls")),
    path("plans/", include("relief.plans.urls")),
    path("insights/", include("relief.insights.urls")),
    path("safety/", include("relief.safety.urls")),
]
