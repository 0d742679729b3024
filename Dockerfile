# The app on a CPU-only host: `docker build -t rnn-to-transformers .` then
# `docker run --rm -p 8501:8501 rnn-to-transformers` (see docs/hosting.md).
# Python 3.12 is what Streamlit Community Cloud and Hugging Face Spaces default to; the
# project is developed and tested on 3.11 (every pinned wheel exists for both).
FROM python:3.12-slim

# A font for the server-side SVG/PNG exports (vl-convert ships none); no curl needed.
# Not version-pinned: the slim base's Debian release decides which fonts-dejavu-core exists.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/home/user \
    PATH=/home/user/.local/bin:$PATH

# Hugging Face Spaces runs the container as UID 1000.
RUN useradd --create-home --uid 1000 user
WORKDIR /home/user/app

# CPU-only torch in its own layer (PyPI's Linux wheel is the multi-GB CUDA build), then the rest:
# the requirements' own torch==2.13.0 pin is then already satisfied.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=1000:1000 . .
USER 1000

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]

# .streamlit/config.toml (copied with the app) holds the production settings: headless, no file
# watcher, small uploads, no usage stats, XSRF protection left on.
CMD ["streamlit", "run", "serve.py", "--server.address=0.0.0.0", "--server.port=8501"]
