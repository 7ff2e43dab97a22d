"""Mounted by relief.urls as ``path("api/", include("relief.api.urls"))``."""

from django.urls import path

from relief.api.api import api

urlpatterns = [path("", api.urls)]
