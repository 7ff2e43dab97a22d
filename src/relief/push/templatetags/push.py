from __future__ import annotations

from typing import Any

from django import template

from relief.push.forms import PushPreferencesForm
from relief.push.models import PushSubscription
from relief.push.services import preferences_of, push_enabled

register = template.Library()


@register.simple_tag(takes_context=True)
def push_settings(context: template.Context) -> dict[str, Any]:
    """The reminders section of the settings page: the choices, this person's browsers, the server key."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"enabled": False}
    enabled = push_enabled()
    key = ""
    if enabled:
        # lazy: cryptography and py_vapid load only when a key is needed
        from relief.push.vapid import application_server_key

        key = application_server_key()
    return {
        "enabled": enabled,
        "key": key,
        "form": PushPreferencesForm(instance=preferences_of(user), prefix="push"),
        "devices": list(PushSubscription.objects.filter(user=user).order_by("created_at")),
    }
