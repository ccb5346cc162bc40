# The portal's image: one image for the web, worker and beat processes.
# Build:  docker build -t support-portal .
# Run:    see docker-compose.yml and README.md ("Running with docker-compose").

# The browser libraries the pages load (the staff board's drag and drop), fetched
# by npm at the versions package-lock.json pins; only their files reach the image.
FROM node:20-bookworm-slim AS browser-libraries
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings

# gettext: `compilemessages` turns the .po catalogs into .mo files; Pango and
# DejaVu fonts: WeasyPrint renders the hours statements.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so this layer is rebuilt only when pyproject.toml changes.
# With only pyproject.toml present the project's own packages are not found, so
# this installs the pinned dependencies; the code itself runs from /app.
COPY pyproject.toml ./
RUN pip install .

COPY . .
# The same copy as `make vendor`: served from our static files, never a CDN.
COPY --from=browser-libraries /build/node_modules/sortablejs/Sortable.min.js static/wishes/vendor/

# Translations and static files are built into the image. Settings need a
# SECRET_KEY and ALLOWED_HOSTS to load with DEBUG off; these build-time values
# are not kept in the image. Static files use the default storage (hashed,
# compressed, served by WhiteNoise).
RUN export SECRET_KEY=build-only-not-a-secret DEBUG=false ALLOWED_HOSTS='*' \
      SITE_URL=http://build.invalid EMAIL_URL=consolemail:// \
    && python manage.py compilemessages -v 0 \
    && python manage.py collectstatic --no-input -v 0

# The code belongs to root and is read-only for the app; only media is writable.
RUN groupadd --system portal \
    && useradd --system --gid portal --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/media \
    && chown portal:portal /app/media
USER portal

EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--limit-request-line", "8190", "--access-logfile", "-"]
