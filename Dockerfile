# syntax=docker/dockerfile:1
# One image for every role: web (gunicorn), extraction and default workers, beat, migrations.
# The role is the command (docker-compose.yml); the settings are production's, from the
# environment (docs/deploy.md). Every NLP model ships inside the Python wheels or this repository,
# so nothing is downloaded when a container starts.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them (psycopg[binary] brings its
# own libpq; no compiler is needed).
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Interface translations (.po → .mo, as `make install` does) and static files (hashed and
# compressed by whitenoise's storage, which production settings select; the values below only
# let the settings load, nothing connects to them).
RUN for po in locale/*/LC_MESSAGES/*.po locale/overrides/*/LC_MESSAGES/*.po; do \
        pybabel compile -i "$po" -o "${po%.po}.mo"; \
    done \
 && SECRET_KEY=collectstatic-only-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    DJANGO_SETTINGS_MODULE=kzeditor.settings.production \
    python manage.py collectstatic --noinput -v 0 \
 && useradd --uid 10001 --home-dir /app --no-create-home kzeditor \
 && mkdir -p var && chown kzeditor var

USER kzeditor
ENV DJANGO_SETTINGS_MODULE=kzeditor.settings.production \
    HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000

# The web role by default; workers and beat override the command.
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
