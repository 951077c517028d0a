"""gunicorn's settings for LinkUp: `gunicorn -c linkup/gunicorn.conf.py linkup.wsgi`.

Threaded workers (gthread): a request waiting on Postgres or Redis leaves the worker's
other threads to run, and clients keep their connections alive between requests.
Each worker process holds one copy of the member graph for people search
(profiles.search_memory: about 0.6 GB at 1,000,000 members), shared by its threads,
so a few processes with several threads each use far less memory than many processes.
Everything can be set from the environment (GUNICORN_CMD_ARGS works too).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes a core, two threads each: what served the load test best on 2 cores
# (docs/benchmarks.md), against 2×4 and 3×6.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 5
timeout = 30
graceful_timeout = 30
# Requests from a load balancer: trust its X-Forwarded-* headers (set the list there).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
