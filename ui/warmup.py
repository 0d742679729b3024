"""Import torch in the background so pages that paint from shipped results never wait for it.

`import torch` costs ~2 s on the 2-core host. The Overview and every first view
that paints from shipped files need no torch; `start()` (called by serve.py's
start-up hook and by the sidebar on every run, cheap after the first) imports
`core.device` — and with it torch — on a daemon thread, once per process, and
`ready()` says whether it has finished. Code that needs torch simply imports it:
Python's import lock makes it wait for the thread.
"""
from __future__ import annotations

import importlib
import threading

_lock = threading.Lock()
_started: list[threading.Thread] = []


def _thread() -> threading.Thread:
    with _lock:
        if not _started:
            t = threading.Thread(target=importlib.import_module, args=("core.device",), name="torch-warmup",
                                 daemon=True)
            t.start()
            _started.append(t)
        return _started[0]


def start() -> None:
    _thread()


def ready() -> bool:
    return not _thread().is_alive()


def wait() -> None:
    _thread().join()
