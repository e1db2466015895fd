# The portal's image: web (gunicorn), Celery worker and Celery beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PORTAL_VAR_DIR=/var/lib/portal

# SAML sign-in: xmlsec1's libraries at run time; lxml and xmlsec are built from source
# against them (one libxml2 for both, see pyproject.toml), and the compilers leave after.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
       libxml2 libxslt1.1 libxmlsec1 libxmlsec1-openssl xmlsec1 \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir "uv==0.13.9" \
    && useradd --system --home /app portal

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN build_deps="gcc libc6-dev pkg-config libxml2-dev libxslt1-dev libxmlsec1-dev" \
    && apt-get update && apt-get install -y --no-install-recommends $build_deps \
    && uv sync --frozen --no-dev --no-install-project \
    && apt-get purge -y --auto-remove $build_deps && rm -rf /var/lib/apt/lists/*
COPY . .
RUN DJANGO_DEBUG=1 python manage.py compilemessages --ignore ".venv/*" \
    && DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-collectstatic-key-not-used-at-runtime \
       DJANGO_STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
    && mkdir -p /var/lib/portal && chown portal /var/lib/portal

ENV DJANGO_STATIC_ROOT=/app/staticfiles
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
