"""WSGI entry point used by gunicorn (``relief serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings")
application = get_wsgi_application()

# The safety knowledge base is read and validated once per process (about a second of YAML); do it
# here, in gunicorn's master when it preloads the app, so that no worker's first dose pays for it.
from relief.safety.kb import load_knowledge  # noqa: E402 - needs the app set up above

load_knowledge()
