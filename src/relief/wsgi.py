"""WSGI entry point used by gunicorn (``relief serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings")
application = get_wsgi_application()
