"""Mounted by relief.urls as ``path("api/", include("relief.api.urls"))``."""

from django.urls import path

from relief.api.api import api
from relief.api.docs import api_docs

urlpatterns = [path("docs", api_docs, name="api_docs"), path("", api.urls)]
