from django.urls import path

from relief.offline import views

app_name = "offline"

urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/sync/", views.sync, name="sync"),
    path("offline/pre-dose/", views.pre_dose, name="pre_dose"),
    path("offline/attack/", views.attack, name="attack"),
]
