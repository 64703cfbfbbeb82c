"""gunicorn settings for every way Bridge is served: `scripts/run` (the demo), the Docker image
and docker-compose (`gunicorn -c config/gunicorn.py config.wsgi`).

A fixed number of synchronous workers, each holding at most one database connection
(`CONN_MAX_AGE` keeps it between requests), so the connections in use never exceed `workers`
however much traffic arrives. Django's development server starts a thread per request, and with
persistent connections each thread kept its own until PostgreSQL ran out (issue 12, finding 13).
"""

import os

bind = os.environ.get("BRIDGE_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# Heartbeat files on a disk-backed /tmp can stall workers; they hold no data.
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
timeout = int(os.environ.get("BRIDGE_WEB_TIMEOUT", "60"))
# With JSON logs Django writes the line per request (common.logs.RequestLogMiddleware: request id,
# user and agency ids, duration) and gunicorn's own lines are JSON too; BRIDGE_ACCESS_LOG still
# asks gunicorn for its plain access log as well.
json_logs = os.environ.get("BRIDGE_LOG_FORMAT", "json") == "json"
accesslog = os.environ.get("BRIDGE_ACCESS_LOG", None if json_logs else "-")
# The path without its query string (%(U)s, not %(r)s): `?q=` carries what someone typed to find
# a child, and access logs are kept and shipped far more widely than case data.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
if json_logs:
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"no_personal_data": {"()": "security.logging.PersonalDataFilter"}},
        "formatters": {"json": {"()": "common.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["no_personal_data"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": []},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
    }


# Prometheus: each worker writes its request figures to PROMETHEUS_MULTIPROC_DIR and /metrics adds
# them up (config/metrics.py). Figures of an earlier run are stale, and a dead worker's gauges
# must not be summed forever.
def on_starting(server: object) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.endswith(".db"):
                os.remove(os.path.join(directory, name))


def child_exit(server: object, worker: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
