# Production image: one image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY --chown=portal:portal . .
# The portal's bytecode, compiled once here: PYTHONDONTWRITEBYTECODE keeps the containers from
# writing any, so without it every gunicorn and Celery worker compiled all the portal's modules
# again at each start (about 1.5 s of CPU per worker on a 2-core machine, while the first
# requests wait). pip has already compiled the libraries.
RUN python -m compileall -q -j 0 accounts centres counselling msc_portal outbox reports returns skills
# collectstatic needs settings but no database or secret of the deployment.
RUN SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media && chown -R portal:portal /app/var

USER portal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
# Sync workers (gunicorn reads WEB_CONCURRENCY): the pages are CPU-bound and PostgreSQL shares
# the machine, so about one per core plus one; more only queue on the same cores (README).
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "msc_portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]
