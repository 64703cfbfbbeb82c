# Bridge's one image: the web server (gunicorn), the Celery worker and Celery beat all run
# from it; docker-compose.yml picks the command. Build: docker-compose build
FROM python:3.11-slim

# The same uv that wrote uv.lock, so the lock is read exactly as it was written.
ARG UV_VERSION=0.13.9

# UV_PYTHON_DOWNLOADS: only PyPI is reachable for Python packages, never let uv fetch a Python.
# UV_COMPILE_BYTECODE: compile once at build time; at run time the code is read-only to the app.
# WEB_CONCURRENCY: gunicorn's worker count; override per deployment.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH" \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    WEB_CONCURRENCY=3

# Pango and a font for WeasyPrint, which prints case summaries as PDF; gettext compiles the
# Spanish catalogue at build time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir "uv==${UV_VERSION}"

WORKDIR /app

# Dependencies first, in their own layer, so code changes do not reinstall them.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache

COPY . .

# Static files are baked into the image (whitenoise serves them). Production settings refuse
# to load without these variables; the values here only exist for this one command and
# nothing connects to the database or Redis during collectstatic.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    BRIDGE_DOCUMENT_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    sh -c "python manage.py collectstatic --noinput -v 0 && python manage.py compilemessages -v 0 --ignore=.venv"

# Run as an unprivileged user that owns nothing in /app: a compromised process cannot
# rewrite the application. Celery beat keeps its schedule file in /tmp.
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin bridge
# The documents volume's mount point, owned by the app user (a new named volume takes this
# directory's owner and mode); the files in it are encrypted, and no URL serves it.
RUN mkdir -p /var/lib/bridge/documents && chown bridge:bridge /var/lib/bridge/documents && chmod 700 /var/lib/bridge/documents
USER bridge

EXPOSE 8000

CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
