"""WSGI entry point used by gunicorn (``relief serve``, ``gunicorn relief.wsgi``).

Importing it does the work every web process would otherwise repeat: Django is set up, the safety
knowledge base is read (about a second of YAML) and every URL configuration and view module is
imported. Under ``--preload`` that happens once, in gunicorn's master, so no worker's first request
pays for it. Then everything loaded so far is moved out of the garbage collector's reach
(``gc.freeze``): these objects (about 195,000) live as long as the process, and without the freeze
the collector keeps walking them in every worker: 5 % of the CPU of the load test's request mix
against 2-3 % with it (docs/performance.md), and each walk unshares memory pages the workers share
with the master they were forked from.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relief.settings")
application = get_wsgi_application()

# Both need the app set up above.
from django.urls import get_resolver  # noqa: E402

from relief.safety.kb import load_knowledge  # noqa: E402

load_knowledge()
get_resolver().url_patterns  # noqa: B018 - imports every URL configuration and its views
gc.collect()
gc.freeze()
