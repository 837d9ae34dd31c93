# lang-portal API: one image, settings from the environment, data and backups on volumes.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_PATH=/data/words.db \
    BACKUP_PATH=/backup \
    API_HOST=0.0.0.0 \
    API_PORT=8080 \
    WORKERS=2 \
    LOG_FORMAT=json \
    PROMETHEUS_MULTIPROC_DIR=/tmp/lang-portal-metrics

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
COPY config ./config
COPY migrations ./migrations
COPY seeds ./seeds
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app lang-portal \
    && mkdir -p /data /backup \
    && chown lang-portal /data /backup

USER lang-portal
VOLUME ["/data", "/backup"]
EXPOSE 8080
# No curl in the slim image: the standard library asks /health instead.
HEALTHCHECK --interval=30s --timeout=10s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=5).status != 200)"
# SIGTERM (docker stop) lets in-flight requests finish; give it longer than
# GRACEFUL_SHUTDOWN_TIMEOUT with `docker stop -t 40` or compose's stop_grace_period.
STOPSIGNAL SIGTERM
CMD ["lang-portal", "serve"]
