import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
application = get_wsgi_application()

from panel.chunked import read_chunked_bodies  # noqa: E402  (needs the settings set up)

application = read_chunked_bodies(application)
