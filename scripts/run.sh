#!/usr/bin/env bash
# Install the app's requirements and start it on http://localhost:8501 (serve.py: app.py, warmed up at start)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d .venv ] || python3 -m venv .venv
. .venv/bin/activate
pip install -q --disable-pip-version-check -r requirements.txt
exec streamlit run serve.py "$@"
