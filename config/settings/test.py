"""Settings for the test suite: real PostgreSQL and Redis, fast password hashing."""

import os
from pathlib import Path

import environ

# The real environment wins over `.env`, and `.env` over the defaults below.
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bridge")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Each security test turns on what it checks (the `settings` fixture); the rest of the suite
# signs in without an authenticator and is not throttled.
os.environ.setdefault("BRIDGE_MFA_REQUIRED", "false")
os.environ.setdefault("BRIDGE_THROTTLE_ANON", "100000/min")
os.environ.setdefault("BRIDGE_THROTTLE_USER", "100000/min")
os.environ.setdefault("BRIDGE_THROTTLE_SIGN_IN", "100000/min")
os.environ.setdefault("BRIDGE_THROTTLE_SIGN_IN_ADDRESS", "100000/min")
# Fixed document keys: the demo's and the tests' documents are not secret. Deployments must set
# their own (production refuses to start without BRIDGE_DOCUMENT_KEYS).
os.environ.setdefault(
    "BRIDGE_DOCUMENT_KEYS",
    "demo-2026:ZGVtby1vbmx5LWRvY3VtZW50LWtleS0zMi1ieXRlcyE=",
)
os.environ.setdefault(
    "BRIDGE_DOCUMENT_ROOT", str(Path(__file__).resolve().parents[2] / "var" / "test-documents")
)

from config.settings.base import *  # noqa: E402, F403
from config.strict_templates import RaiseOnOwnTemplates  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
BRIDGE_DEMO_PASSWORD = "bridge-demo-2026"  # noqa: S105 (demo users exist only here)

# An undefined variable in one of Bridge's own templates fails the test that rendered it.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = RaiseOnOwnTemplates()
