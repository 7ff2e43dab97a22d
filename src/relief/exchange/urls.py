from django.urls import path

from relief.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_upload, name="import"),
    path("import/<str:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<str:pk>/status/", views.import_status, name="import_status"),
    path("export/fhir/", views.export_fhir, name="export_fhir"),
    path("export/csv/", views.export_csv_zip, name="export_csv"),
    path("report/", views.report_home, name="report_home"),
    path("report/<str:who>/", views.report_page, name="report"),
    path("report/<str:who>/pdf/", views.report_pdf, name="report_pdf"),
    path("report/<str:who>/state/", views.report_state, name="report_state"),
]
