"""gunicorn's settings for LinkUp: `gunicorn -c linkup/gunicorn.conf.py linkup.wsgi`.

Sync workers, three processes a core: a request is CPU work in Python with short waits
on Postgres and Redis, so a few processes more than cores keep the cores busy while
some wait, and a free process takes the next connection, so no request queues behind
a busy one while another process idles. Under the load test (docs/benchmarks.md) this
held p95 at 170 ms where threaded workers (gthread), whose kept-alive connections stay
with one process however busy, let it reach 240 ms at the same throughput. Sync
workers expect a buffering proxy (nginx, a cloud load balancer) in front for slow
clients, as gunicorn's documentation says.

Each process holds its own copy of the member graph for people search
(profiles.search_memory: about 0.6 GB at 1,000,000 members), hence the cap.
GUNICORN_THREADS above 1 switches to threaded workers (gunicorn does so itself).
Everything can be set from the environment (GUNICORN_CMD_ARGS works too).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(3 * multiprocessing.cpu_count(), 8)))
worker_class = "sync"
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = 5  # threaded workers only
timeout = 30
graceful_timeout = 30
# Requests from a load balancer: trust its X-Forwarded-* headers (set the list there).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
