"""Controls that live in the URL.

Every page declares its controls as `Param`s built from the bounds in
`core/config.py`. `sync_from_url` runs before the widgets are drawn: on a
session's first visit it reads each value from the query string, validates it,
clamps it to the limits and says so in a message, never a traceback.
`push_to_url` runs after the widgets, so the address bar always reproduces the
view (page + every control) for a shared link.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.config import Choice, FloatBound, IntBound


@dataclass(frozen=True)
class Param:
    """A control's URL key, session-state key and its bound.

    `bound` is an IntBound, FloatBound or Choice; `multi=True` makes a Choice a
    comma-separated list; `flag=True` makes a boolean ("1"/"0").
    """

    key: str
    bound: Any = None
    multi: bool = False
    flag: bool = False
    default: Any = None  # for flags and multi choices

    def initial(self) -> Any:
        if self.flag or self.multi:
            return self.default
        return self.bound.default


def _parse(p: Param, raw: str) -> tuple[Any, str | None]:
    """Parse one raw URL value; returns (value, message or None)."""
    name = p.key if p.bound is None else p.bound.name
    if p.flag:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True, None
        if raw.lower() in ("0", "false", "no", "off"):
            return False, None
        return p.initial(), f"`{p.key}={raw[:40]}` in the link is not 1 or 0; using {p.initial()}."
    if p.multi:
        items = [s for s in raw.split(",") if s]
        bad = [s for s in items if s not in p.bound.options]
        good = [s for s in items if s in p.bound.options]
        if bad:
            msg = f"`{p.key}`: unknown {', '.join(repr(s[:40]) for s in bad[:5])} ignored (allowed: {', '.join(p.bound.options)})."
            return (good or list(p.initial())), msg
        return good or list(p.initial()), None
    b = p.bound
    if isinstance(b, Choice):
        if raw in b.options:
            return raw, None
        return b.default, f"`{p.key}={raw[:40]}` in the link is not one of {', '.join(b.options)}; using {b.default}."
    kind = int if isinstance(b, IntBound) else float
    try:
        value = kind(raw)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError
    except (ValueError, OverflowError):
        what = "a whole number" if kind is int else "a number"
        return b.default, f"`{p.key}={raw[:40]}` in the link is not {what}; using the default {b.default}."
    clamped = b.clamp(value)
    if clamped != value:
        return clamped, (
            f"`{p.key}={raw[:40]}` in the link is outside the limit for {name} "
            f"({b.lo}–{b.hi}, set in core/config.py); clamped to {clamped}."
        )
    return value, None


def sync_from_url(params: list[Param]) -> list[str]:
    """Initialise each control's session state from the URL (first visit) or its default.

    Returns the messages for values that had to be corrected; they are also
    kept for the rest of the session so a rerun does not hide them.
    """
    messages: list[str] = []
    for p in params:
        if p.key in st.session_state:
            continue
        raw = st.query_params.get(p.key)
        if raw is None:
            st.session_state[p.key] = p.initial()
            continue
        value, msg = _parse(p, str(raw))
        st.session_state[p.key] = value
        if msg:
            messages.append(msg)
    return messages


def encode(p: Param, value: Any) -> str:
    if p.flag:
        return "1" if value else "0"
    if p.multi:
        return ",".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def push_to_url(params: list[Param]) -> None:
    """Write every control's current value into the address bar."""
    for p in params:
        if p.key in st.session_state:
            text = encode(p, st.session_state[p.key])
            if st.query_params.get(p.key) != text:
                st.query_params[p.key] = text


def show_messages(messages: list[str]) -> None:
    for m in messages:
        st.warning(m, icon=":material/link_off:")


def slider(p: Param, label: str, **kwargs: Any) -> Any:
    """A slider whose bounds come from the Param's bound in core/config.py."""
    b = p.bound
    return st.slider(label, min_value=b.lo, max_value=b.hi, key=p.key, **kwargs)
