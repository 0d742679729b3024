"""Charts converted once per content: a chart given as `Lazy(builder, *args)` is built and converted
to Vega-Lite only when no chart of the same builder and the same arguments (compared by content) has
been converted before in this process.

    draw(Lazy(charts.decay, band, wrt, rho, marks), band, key="g_decay")

A page rerun with values already cached (a slider moved back, the next visitor on the default link)
then skips Altair altogether. Sampled with py-spy, building and converting the gradients page's three
charts was about 70 % of the server's time in such a rerun.

Only arguments whose content can be read are keyed (None, numbers, strings, bytes, enums, tuples,
lists, dicts, dataclasses of these, numpy arrays, pandas frames and series), and only module-level
builders, or a builder given a name that stands for it for the process's life (`named=`: a story
scene's chart, say): anything else (a lambda, an object compared by identity) is built every time.
The cache is bounded by its bytes (`CHART_CACHE_MB`) and drops the least recently used first.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any, Callable

import numpy as np
import pandas as pd

from core.config import CHART_CACHE_MB

_UNKEYED = object()


class Lazy:
    """`builder(*args, **kwargs)` not built yet; with `part`, the item `part` of what it returns (a
    builder of several charts: `Lazy.parts(builder, n, ...)`); `named`: the builder's name in the key,
    for one that has none of its own (a lambda that never changes)."""

    def __init__(self, builder: Callable, *args, part: int | None = None, named: str | None = None,
                 _shared: dict | None = None, **kwargs):
        self.builder, self.args, self.kwargs, self.part, self.named = builder, args, kwargs, part, named
        self._built = _shared if _shared is not None else {}
        self._key: str | None | object = _UNKEYED

    @classmethod
    def parts(cls, builder: Callable, n: int, *args, **kwargs) -> list["Lazy"]:
        shared: dict = {}
        return [cls(builder, *args, part=i, _shared=shared, **kwargs) for i in range(n)]

    def build(self):
        if "chart" not in self._built:
            self._built["chart"] = self.builder(*self.args, **self.kwargs)
        chart = self._built["chart"]
        return chart if self.part is None else chart[self.part]

    @property
    def key(self) -> str | None:
        """A digest of the builder's name and the arguments' contents; None if one cannot be read."""
        if self._key is _UNKEYED:
            name = self.named or f"{getattr(self.builder, '__module__', '')}.{getattr(self.builder, '__qualname__', '')}"
            self._key = None
            if self.named or ("<" not in name and name != "."):
                try:
                    self._key = content_key((name, self.part, self.args, sorted(self.kwargs.items())))
                except TypeError:
                    pass
        return self._key


def built(chart):
    """The Altair chart itself (built now if `chart` is Lazy)."""
    return chart.build() if isinstance(chart, Lazy) else chart


def _feed(h, value: Any) -> None:
    if value is None or isinstance(value, (bool, int, float, str, bytes, enum.Enum)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (tuple, list)):
        h.update(f"{type(value).__name__}[{len(value)}".encode())
        for v in value:
            _feed(h, v)
        h.update(b"]")
    elif isinstance(value, dict):
        h.update(f"dict[{len(value)}".encode())
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
        h.update(b"]")
    elif isinstance(value, pd.DataFrame):
        h.update(f"df{value.shape};".encode())
        _feed(h, [str(c) for c in value.columns])
        _feed(h, [str(t) for t in value.dtypes])
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, pd.Series):
        h.update(f"series{value.shape}{value.dtype}{value.name!r};".encode())
        h.update(pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes())
    elif isinstance(value, np.ndarray) and value.dtype != object:
        h.update(f"nd{value.shape}{value.dtype};".encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.generic):
        _feed(h, value.item())
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(f"{type(value).__module__}.{type(value).__qualname__}(".encode())
        for f in dataclasses.fields(value):
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
        h.update(b")")
    else:
        raise TypeError(f"no content key for {type(value).__name__}")


def content_key(value: Any) -> str:
    """A digest of `value`'s content; TypeError for a value whose content this cannot read."""
    h = hashlib.blake2b(digest_size=20)
    try:
        _feed(h, value)
    except (TypeError, ValueError) as err:       # hash_pandas_object refuses unhashable cells
        raise TypeError(str(err)) from err
    return h.hexdigest()


class SpecCache:
    """Converted charts by key: each entry the spec's JSON (without its datasets), the datasets
    (Arrow bytes, shared: never changed) and the chart's two descriptions. Least recently used out
    first, past `limit_bytes`."""

    def __init__(self, limit_bytes: int):
        self.limit, self.size = limit_bytes, 0
        self._entries: OrderedDict[str, tuple[str, dict, str, str, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> tuple[dict, str, str] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        text, datasets, label, description, _ = entry
        spec = json.loads(text)
        spec["datasets"] = dict(datasets)
        return spec, label, description

    def put(self, key: str, spec: dict, label: str, description: str) -> None:
        datasets = spec.get("datasets") or {}
        text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
        size = len(text) + len(label) + len(description) + sum(
            len(v) if isinstance(v, (bytes, bytearray)) else len(json.dumps(v)) for v in datasets.values())
        if size > self.limit:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= old[-1]
            self._entries[key] = (text, dict(datasets), label, description, size)
            self.size += size
            while self.size > self.limit:
                _, dropped = self._entries.popitem(last=False)
                self.size -= dropped[-1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size = 0


CACHE = SpecCache(CHART_CACHE_MB * 2**20)
