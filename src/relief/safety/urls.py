from django.urls import path

from relief.safety import views

app_name = "safety"

urlpatterns = [
    path("", views.index, name="index"),
    path("preview/", views.preview, name="preview"),
]
