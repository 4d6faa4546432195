import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumen.settings")
application = get_wsgi_application()

from lumen.health import warn_if_generator_unhealthy  # noqa: E402 - needs Django set up

warn_if_generator_unhealthy()
