# CNHT Connect — one image for web (gunicorn), the Celery worker and beat, and the migrate job.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext: msgfmt for compilemessages; postgresql-client: pg_dump / pg_restore for `manage.py backup`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

# Only what the app needs: never a developer's .venv, db.sqlite3, media/ or .env.
# A new Django app needs a line here.
COPY manage.py ./
COPY portal/ portal/
COPY suppliers/ suppliers/
COPY matching/ matching/
COPY programs/ programs/
COPY templates/ templates/
COPY static/ static/
COPY locale/ locale/

# Translations and hashed static files are part of the image. Settings refuse DEBUG=0 with the
# built-in key, so these two commands get a throw-away one that never reaches the running image.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py compilemessages --verbosity 0 \
    && SECRET_KEY=build-only DEBUG=0 STATIC_ROOT=/app/staticfiles \
       python manage.py collectstatic --noinput --verbosity 0

# Run as an unprivileged user; media/ is created here so the named volume inherits its owner.
RUN useradd --system --create-home --uid 1000 --user-group app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
