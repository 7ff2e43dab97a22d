from django.urls import path

from relief.treatments import views

app_name = "treatments"

urlpatterns = [
    path("doses/new/", views.dose_new, name="dose_new"),
    path("doses/repeat/", views.dose_repeat, name="dose_repeat"),
    path("doses/<str:pk>/", views.dose_edit, name="dose_edit"),
    path("doses/<str:pk>/delete/", views.dose_delete, name="dose_delete"),
    path("doses/<str:pk>/undo/", views.dose_undo, name="dose_undo"),
    path("doses/<str:pk>/outcome/", views.outcome, name="outcome"),
    path("doses/<str:pk>/outcome/quick/", views.outcome_quick, name="outcome_quick"),
    path("medications/", views.medications, name="medications"),
    path("medications/new/", views.medication_new, name="medication_new"),
    path("medications/<str:pk>/", views.medication_edit, name="medication_edit"),
    path("medications/<str:pk>/delete/", views.medication_delete, name="medication_delete"),
    path("units/", views.units, name="units"),
    path("units/<str:pk>/delete/", views.unit_delete, name="unit_delete"),
]
