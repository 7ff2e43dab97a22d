from django.urls import path

from relief.push import views

app_name = "push"

urlpatterns = [
    path("subscriptions/", views.subscription_add, name="subscribe"),
    path("subscriptions/remove/", views.subscription_remove, name="unsubscribe"),
    path("preferences/", views.preferences, name="preferences"),
    path("test/", views.test_push, name="test"),
]
