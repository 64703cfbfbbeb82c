"""Deployments. Every secret and address comes from the environment; nothing has a default."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env
from documents.crypto import parse_keys

DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
# Names the stack's own services reach web by (Prometheus scrapes http://web:8000/metrics).
ALLOWED_HOSTS += env.list("BRIDGE_INTERNAL_HOSTS", default=[])

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Prometheus scrapes inside the stack's network, where there is no TLS; the bearer token guards it.
SECURE_REDIRECT_EXEMPT = [r"^metrics$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every account signs in with a second factor: not a choice a deployment's environment can make.
BRIDGE_MFA_REQUIRED = True
CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A server that cannot encrypt documents refuses to start, rather than failing at the first upload.
parse_keys(BRIDGE_DOCUMENT_KEYS)
