"""Settings for the Celery worker and beat processes the notification tests start: the test
settings, with email going to the test's SMTP server and a short visibility timeout so a
message held by a killed worker comes back within the test."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["BRIDGE_TEST_SMTP_PORT"])
EMAIL_TIMEOUT = 30
# Look for unacknowledged messages every second instead of every ~100 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("BRIDGE_TEST_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
