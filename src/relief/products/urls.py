from django.urls import path

from relief.products import views

app_name = "products"

urlpatterns = [
    path("", views.product_list, name="list"),
    path("new/", views.product_new, name="new"),
    path("<str:pk>/", views.product_detail, name="detail"),
    path("<str:pk>/edit/", views.product_edit, name="edit"),
    path("<str:pk>/delete/", views.product_delete, name="delete"),
    path("<str:pk>/batches/new/", views.batch_new, name="batch_new"),
    path("batches/<str:pk>/", views.batch_edit, name="batch_edit"),
    path("batches/<str:pk>/delete/", views.batch_delete, name="batch_delete"),
    path("batches/<str:pk>/reports/new/", views.report_new, name="report_new"),
    path("reports/<str:pk>/", views.report_edit, name="report_edit"),
    path("reports/<str:pk>/delete/", views.report_delete, name="report_delete"),
]
