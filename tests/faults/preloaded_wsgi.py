"""The app as gunicorn --preload loads it in the crash and load tests.

``relief.wsgi`` already imports every view and freezes what it loaded before the fork; this module
only keeps the name the tests start gunicorn with.
"""

from relief.wsgi import application

__all__ = ["application"]
