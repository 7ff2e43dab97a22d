"""Keep health data out of logs and error reports.

Log messages in the app name kinds of things ("a Dose"), never values.  The
risk is elsewhere: an exception message can carry the data being saved (a
PostgreSQL IntegrityError prints "Failing row contains (...)" with every
column, a validation error quotes the value), and request paths carry query
strings.  This filter, on every handler, keeps the traceback's frames and the
exception's type but withholds its message, and drops query strings from the
arguments of request log lines.

Secrets travel in paths too: a share link (``/shared/rs_…/``), a one-time sign-in link
(``/accounts/link/…/``), a password-reset link (``/accounts/password/reset/<uid>/<token>/``)
and API tokens (``rj_…``, in a header or pasted into a path).  Every line (Django's request
lines, the app's own, gunicorn's access and error logs through :data:`GUNICORN_LOGCONFIG`) is
formatted first and then has each of them replaced by ``[redacted]``.
"""

from __future__ import annotations

import logging
import re
import traceback

from django.core.exceptions import ImproperlyConfigured
from django.template import TemplateDoesNotExist, TemplateSyntaxError

# Messages of these are written by programmers about code, not about a person's data.
CODE_ERRORS: tuple[type[BaseException], ...] = (
    AttributeError,
    ImportError,
    NameError,
    NotImplementedError,
    SyntaxError,
    RecursionError,
    ImproperlyConfigured,
    TemplateDoesNotExist,
    TemplateSyntaxError,
)
WITHHELD = "[message withheld: it may contain health data]"
_QUERY = re.compile(r"\?\S+")
REDACTED = "[redacted]"
_SECRETS = (
    re.compile(r"\b(?:rs|rj)_[A-Za-z0-9_\-]+"),  # share links and API tokens (relief.sharing.services)
    re.compile(r"(?<=/accounts/link/)[^/\s?\"']+"),  # one-time sign-in links
    re.compile(r"(?<=/accounts/password/reset/)(?!sent/|done/)[^\s?\"']+"),  # password-reset links
    re.compile(r"(?i)(?<=bearer )[^\s\"',]+"),  # an Authorization header, whatever the token
)


def redact_secrets(text: str) -> str:
    """``text`` with every share token, sign-in or reset link token and API token replaced."""
    for pattern in _SECRETS:
        text = pattern.sub(REDACTED, text)
    return text


def redacted_traceback(exc: BaseException) -> str:
    """The frames of an exception and its causes, with messages only for code errors."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = f"{type(current).__module__}.{type(current).__qualname__}"
        message = str(current) if isinstance(current, CODE_ERRORS) else WITHHELD
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"Traceback (most recent call last):\n{frames}{name}: {message}")
        current = current.__cause__ or current.__context__
    return "\n\nWhile handling the above, or caused by it:\n".join(reversed(parts))


def without_query(value: object) -> object:
    return _QUERY.sub("?…", value) if isinstance(value, str) and "?" in value else value


class RedactHealthData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact_secrets(redacted_traceback(record.exc_info[1]))
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) for a in record.args)
        elif isinstance(record.args, dict):
            # gunicorn's access line is a template over a dict of atoms: "%(r)s" is the request
            # line and "%(q)s" the bare query string.
            record.args = {k: "…" if k == "q" else without_query(v) for k, v in record.args.items()}
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # a malformed call: keep the template only
            message = str(record.msg)
        record.msg = redact_secrets(message)
        record.args = None
        return True


def gunicorn_logconfig(*, access: bool) -> dict[str, object]:
    """gunicorn's ``logconfig_dict``: its error log (and the access log when ``access``) through the
    same filter as Django's.  ``relief serve`` keeps the access log off; see relief.gunicorn_conf."""
    config = dict(_GUNICORN_LOGCONFIG)
    if not access:
        config["loggers"] = {
            **_GUNICORN_LOGCONFIG["loggers"],  # type: ignore[dict-item]
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        }
    return config


_GUNICORN_LOGCONFIG: dict[str, object] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_secrets": {"()": "relief.core.logging.RedactHealthData"}},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["no_secrets"],
            "stream": "ext://sys.stderr",
        },
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["no_secrets"],
            "stream": "ext://sys.stdout",
        },
    },
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}
