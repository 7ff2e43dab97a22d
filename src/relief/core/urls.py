from django.urls import path

from relief.core import views

urlpatterns = [
    path("", views.today, name="today"),
    path("log/", views.log, name="log"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/<int:month>/", views.calendar, name="calendar_month"),
    path("day/<str:day>/", views.day_view, name="day"),
    path("reminders.json", views.reminders, name="reminders"),
    path("alerts/acknowledge/", views.acknowledge_alert, name="acknowledge_alert"),
]
