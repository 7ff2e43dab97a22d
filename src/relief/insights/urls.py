from django.urls import path

from relief.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:who>/", views.shared, name="shared"),
]
