"""The JSON API (django-ninja); the instance is ``relief.api.api.api``."""
