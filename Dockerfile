# mock-enswitch as a container: the Enswitch JSON API mock on port 8080, data on the /data volume.
# The base is a build argument: CI, which reaches no image registry, gives a local one
# (tools/compose/setup-engine.sh); everyone else keeps the slim image.
ARG BASE=python:3.11-slim
FROM $BASE

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOCK_ENSWITCH_HOST=0.0.0.0 \
    MOCK_ENSWITCH_PORT=8080 \
    MOCK_ENSWITCH_DB=/data/mock-enswitch.db.json

WORKDIR /src
COPY pyproject.toml README.md ./
COPY mock_enswitch ./mock_enswitch
RUN pip install --no-cache-dir . && rm -rf /src \
    && useradd --create-home --uid 10001 mock \
    && mkdir /data && chown mock /data

USER mock
WORKDIR /home/mock
VOLUME ["/data"]
EXPOSE 8080

# No curl in a slim image: the health check is Python's own urllib, on the configured port.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/_mock/health' % os.environ.get('MOCK_ENSWITCH_PORT', '8080'), timeout=2)"]

CMD ["mock-enswitch", "serve"]
