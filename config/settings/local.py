"""The demo and developer machine: known defaults, mail printed to the console.

Debug is off, so the demo shows Bridge's own error pages as a deployment would; a developer who
wants Django's debug pages sets DJANGO_DEBUG=true in `.env`."""

import os
from pathlib import Path

import environ

# The real environment wins over `.env`, and `.env` over the defaults below.
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
os.environ.setdefault("DJANGO_SECRET_KEY", "local-only-insecure-key-never-use-in-production")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bridge")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The demo signs in without an authenticator app; every other setting requires one.
os.environ.setdefault("BRIDGE_MFA_REQUIRED", "false")
# Someone reads the demo's logs in a terminal; deployments ship JSON to a log store.
os.environ.setdefault("BRIDGE_LOG_FORMAT", "text")
# Fixed document keys: the demo's and the tests' documents are not secret. Deployments must set
# their own (production refuses to start without BRIDGE_DOCUMENT_KEYS).
os.environ.setdefault(
    "BRIDGE_DOCUMENT_KEYS",
    "demo-2026:ZGVtby1vbmx5LWRvY3VtZW50LWtleS0zMi1ieXRlcyE=",
)

from config.settings.base import *  # noqa: E402, F403

# Demo users sign in with these; they exist only where these settings are in force.
BRIDGE_DEMO_PASSWORD = "bridge-demo-2026"  # noqa: S105 (demo users exist only here)
# Passkeys on http://localhost while trying the demo.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
