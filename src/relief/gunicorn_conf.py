"""gunicorn settings for running the app without ``relief serve``::

    gunicorn -c python:relief.gunicorn_conf relief.wsgi

The access log is on (to standard output) and, like the error log, passes the filter in
relief.core.logging: query strings are dropped and share links, sign-in links, password-reset
links and API tokens are replaced by ``[redacted]``.
"""

from relief.core.logging import gunicorn_logconfig

logconfig_dict = gunicorn_logconfig(access=True)
accesslog = "-"
preload_app = True
