import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resilience.settings")
application = get_wsgi_application()

# Import the URL configuration, and with it the views, WeasyPrint and Matplotlib (about a second), now
# rather than in a worker's first request; under gunicorn's --preload, once in the master for every worker.
import_module(settings.ROOT_URLCONF)
