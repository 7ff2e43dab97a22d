from django.urls import path

from relief.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("state/", views.state, name="state"),
    path("<str:who>/", views.shared, name="shared"),
    path("<str:who>/state/", views.shared_state, name="shared_state"),
]
