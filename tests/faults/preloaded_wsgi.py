"""The app with its URL configuration loaded up front, for gunicorn --preload.

Django loads the URLs (and through some views the analysis library) on the
first request in each worker; loading them once in the master before the fork
makes every worker ready at once, which keeps the crash and load tests short.
"""

from django.urls import get_resolver

from relief.wsgi import application

get_resolver().url_patterns  # noqa: B018 - the import is the point

__all__ = ["application"]
