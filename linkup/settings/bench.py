"""`make bench`: production-like (DEBUG off, cached templates), on the local servers."""

from .local import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"level": "WARNING", "handlers": ["console"]},
    # bench/suites/load.py waits for every worker's "member graph loaded" and "search
    # matches read".
    "loggers": {
        "connections.memgraph": {"level": "INFO"},
        "profiles.search_memory": {"level": "INFO"},
    },
}
# The benchmark reads hundreds of profiles a minute as one member: no scraping limits.
ABUSE_THROTTLES_ENABLED = False
