import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sahl.settings")
application = get_wsgi_application()

from sahl.catalogue import rules  # noqa: E402  (needs the settings loaded above)

# Made here, before the server's workers fork (uWSGI's master, deploy/uwsgi.ini; gunicorn's --preload),
# once for all of them: the task worker and the commands make it only when they evaluate a rule.
rules.environment()
# What is loaded by now lives as long as the process. Frozen out of the collector's reach, it is not
# scanned by the collections requests cause (nor, loaded before the fork, copied into each worker by them).
gc.freeze()
