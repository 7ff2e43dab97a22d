"""Keep health data out of logs and error reports.

Log messages in the app name kinds of things ("a Dose"), never values.  The
risk is elsewhere: an exception message can carry the data being saved (a
PostgreSQL IntegrityError prints "Failing row contains (...)" with every
column, a validation error quotes the value), and request paths carry query
strings.  This filter, on every handler, keeps the traceback's frames and the
exception's type but withholds its message, and drops query strings from the
arguments of request log lines.
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
            record.exc_text = redacted_traceback(record.exc_info[1])
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: without_query(v) for k, v in record.args.items()}
        return True
