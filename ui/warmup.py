"""Import torch in the background so pages that paint from shipped results never wait for it.

`import torch` costs ~2 s on the 2-core host. The Overview and every first view
that paints from shipped files need no torch; `start()` imports `core.device` —
and with it torch — on a daemon thread, once per process (cheap after the first
call), `wait()` starts it if need be and waits, and `ready()` says whether it has
finished. Code that needs torch simply imports it: Python's import lock makes it
wait for the thread.

Torch's import is Python code holding the GIL for most of its ~2 s, so a page run beside it
takes about twice as long. A torch-free first view therefore does not start it: the sidebar
starts it once that page is drawn (`ui.sidebar.finish`), and serve.py's warm-up waits for a
quiet moment first (`ui.warm`).
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


def started() -> bool:
    return bool(_started)


def ready() -> bool:
    """Torch is imported (False while the import has not started or is still running)."""
    return bool(_started) and not _started[0].is_alive()


def wait() -> None:
    _thread().join()
