# esmbot in a container: the locked install, a non-root user, `esmbot serve`.
# Configure it only through ESMBOT_* variables (see deploy/esmbot.env.example and
# config.example.toml); mount the organisation's files and point ESMBOT_CATALOG__PATH etc. at them.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/esmbot
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY chat ./chat
COPY org ./org
COPY adapters ./adapters
COPY dialogs ./dialogs
COPY store ./store
COPY scheduler ./scheduler
RUN pip install --no-deps .

RUN useradd --system --uid 10001 --home-dir /var/lib/esmbot --create-home esmbot
USER esmbot
WORKDIR /var/lib/esmbot

# Inside a container the server must listen beyond loopback; publish the port deliberately.
ENV ESMBOT_SERVER__HOST=0.0.0.0 \
    ESMBOT_SERVER__PORT=8080 \
    ESMBOT_STORE__URL=sqlite+aiosqlite:////var/lib/esmbot/esmbot.db
EXPOSE 8080
VOLUME ["/var/lib/esmbot"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('ESMBOT_SERVER__PORT', '8080') + '/healthz', timeout=4)"

CMD ["esmbot", "serve"]
