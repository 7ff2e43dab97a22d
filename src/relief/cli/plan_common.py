"""What the plan and trial commands share: finding one's own plan or trial by a start of its id,
reading a day, wrapping text."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import TYPE_CHECKING, TypeVar, overload

import click
from django.db.models import Model

if TYPE_CHECKING:
    from django.contrib.auth.models import User

M = TypeVar("M", bound=Model)

MIN_PREFIX = 4


def find_own(user: User, model: type[M], text: str, noun: str) -> M:
    """The person's own plan or trial with this id or unique start of an id; anything else is 'no such'."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.core.access import owned

    key = text.strip().lower().replace("-", "")
    matches = []
    if len(key) >= MIN_PREFIX:
        matches = [pk for pk in owned(model, user).values_list("pk", flat=True) if pk.hex.startswith(key)]
    if not matches:
        raise click.ClickException(f"no such {noun}: {text!r} (see: relief {noun} list)")
    if len(matches) > 1:
        raise click.ClickException(f"several of your {noun}s start with {text!r}; give more of the id")
    return owned(model, user).get(pk=matches[0])


@overload
def day_option(user: User, text: str, field: str) -> date: ...
@overload
def day_option(user: User, text: str | None, field: str) -> date | None: ...
def day_option(user: User, text: str | None, field: str) -> date | None:
    """A calendar day from the command line; a bad one is an error on the model field it fills."""
    # lazy: command modules load before Django is set up (relief.cli.main)
    from django.core.exceptions import ValidationError

    # lazy: command modules load before Django is set up (relief.cli.main)
    from relief.accounts.services import time_zone_of
    from relief.core.timeutil import TimeInputError, parse_day

    if text is None:
        return None
    try:
        return parse_day(text, time_zone_of(user))
    except TimeInputError as exc:
        raise ValidationError({field: str(exc)}) from None


def wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(str(text), width=100, initial_indent=indent, subsequent_indent=indent)
