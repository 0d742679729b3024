"""Two costs of building an Altair chart that the app does not pay on every rerun (Altair 6.3).

Sampled with py-spy, a control change on the gradients page spent most of the server's time in
Altair, building and converting its three charts (~210 ms of chart building alone):

1. Construction-time validation. With `schemapi.DEBUG_MODE` on (Altair's default), every schema
   object (each Config, Title, Axis and Scale) converts and validates itself against the Vega-Lite
   schema as it is built. The app converts its charts unvalidated (`ui.vega.to_spec`); the chart
   tests validate every builder's whole output instead. So the app turns it off.
2. `SchemaBase.from_dict`, called for every string or dict given to `encode`, builds a new
   `_FromDict`, and its constructor JSON-dumps and hashes the schema of every wrapper class. That
   map depends only on the classes. It is computed once per set of classes here and reused.

Together: 211 → 132 ms for the gradients page's three charts (the same specs, compared by the
tests). If Altair changes these internals, `install` leaves them alone and says so in the log.
"""
from __future__ import annotations

import logging
import threading

from altair.utils import schemapi

log = logging.getLogger(__name__)
_lock = threading.Lock()
_maps: dict[tuple, dict] = {}
_installed = False
_ORIGINAL_INIT = getattr(getattr(schemapi, "_FromDict", None), "__init__", None)


def _memo_init(self, wrapper_classes, /) -> None:
    classes = tuple(wrapper_classes)
    known = _maps.get(classes)
    if known is None:
        _ORIGINAL_INIT(self, classes)
        with _lock:
            _maps[classes] = self.class_dict
    else:
        self.class_dict = known


def install() -> bool:
    """Turn both off for this process (once); False where Altair's internals are not as expected."""
    global _installed
    with _lock:
        if _installed:
            return True
        if _ORIGINAL_INIT is None or not hasattr(schemapi, "disable_debug_mode"):
            log.warning("Altair's schemapi has changed: charts are built at Altair's own speed")
            return False
        schemapi.disable_debug_mode()
        schemapi._FromDict.__init__ = _memo_init
        _installed = True
    return True
