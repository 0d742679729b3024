"""Measurements that read peak memory run in a child process, never in the server's.

Reading the CPU's peak writes /proc/self/clear_refs (resetting the process's
resident high-water mark) and calls glibc's `mallopt` (process-wide allocator
thresholds). Done inside the Streamlit server, that would reset the server's
own memory statistics and retune the allocator under every other session. So
`Worker` starts `python -m core.price.isolated` — a fresh interpreter
(spawned, not forked) — and sends it one JSON line per measurement; the child
answers one JSON line each and is killed when the `with` block ends, however
it ends (a finished sweep, an error, or a Streamlit rerun interrupting it).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# What the child may run: name → "module:function"; every one returns a JSON-able dict.
CALLS = {
    "memory": "core.price.costs:attention_memory_point",
    "crossover": "core.price.costs:crossover_point",
    "probe": "core.price.peak_memory:probe_dict",
}
START_TIMEOUT_S = 120.0    # importing torch in a fresh interpreter on a busy 2-core host


class WorkerError(RuntimeError):
    pass


class Worker:
    """A child interpreter that runs CALLS by name: `with Worker() as w: w.call("memory", kind=..., T=...)`."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> "Worker":
        self.proc = subprocess.Popen([sys.executable, "-m", "core.price.isolated"], cwd=ROOT, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    def call(self, name: str, **kwargs: Any) -> dict:
        if name not in CALLS:
            raise ValueError(f"no isolated call named {name!r}; known: {', '.join(CALLS)}")
        if self.proc is None or self.proc.poll() is not None:
            raise WorkerError("the measuring process is not running")
        self.proc.stdin.write(json.dumps({"call": name, "kwargs": kwargs}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise WorkerError("the measuring process ended without an answer (out of memory?)")
        answer = json.loads(line)
        if "error" in answer:
            raise (ValueError if answer.get("type") == "ValueError" else WorkerError)(answer["error"])
        return answer["result"]


def _serve() -> None:
    """The child's loop: one JSON request per stdin line, one JSON answer per stdout line."""
    import importlib

    for line in sys.stdin:
        req = json.loads(line)
        try:
            module, fn = CALLS[req["call"]].split(":")
            result = getattr(importlib.import_module(module), fn)(**req["kwargs"])
            out = {"result": result}
        except Exception as err:  # noqa: BLE001 - reported to the parent, which raises it
            out = {"error": str(err), "type": type(err).__name__}
        sys.stdout.write(json.dumps(out, default=float) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    _serve()
