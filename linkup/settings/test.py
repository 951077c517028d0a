"""pytest: real Postgres, fast password hashing, e-mail kept in memory."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default="/tmp/linkup-test-media")
# SQL search unless a test gives the search its graph (tests/profiles/test_search.py).
SEARCH_GRAPH = "off"
SEARCH_GRAPH_SYNC_SECONDS = 0.0
# A statement's first use on a connection would count one more query
# (tests/test_prepared_statements.py).
DATABASE_PREPARED_STATEMENTS = False
SEARCH_MATCH_SETS_AFTER = 1
EXPORT_ROOT = env.path("LINKUP_EXPORT_ROOT", default="/tmp/linkup-test-exports")
