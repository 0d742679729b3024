"""Controls that live in the URL and survive a page switch.

Every page declares its controls as `Param`s built from the bounds in
`core.config`. `sync_from_url` runs before the widgets are drawn:

- a value in the link wins (a shared link, or the browser's Back button): it is
  parsed, validated and clamped to its limit, and a corrected value gets a
  message that names the limit in words, never a traceback;
- otherwise the value this session last used on that page comes back (Streamlit
  forgets a widget's state once its page is left; `_SAVED` keeps a copy);
- otherwise the default.

`push_to_url` runs after the widgets: it saves every value for the session and
writes it into the address bar, so the bar always reproduces the view. Messages
about a link stay on their page for the rest of the session (`messages`).
Everything echoed from a link is made inert first (`ui.safe.inert`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.config import Choice, FloatBound, IntBound, TextBound
from ui.safe import inert

_SAVED = "_params_saved"      # key → last value this session used
_MESSAGES = "_params_messages"  # key → the message about that key's link value
_PUSHED = "_params_pushed"    # key → the text this session last wrote into the address bar


@dataclass(frozen=True)
class Param:
    """A control's URL key, session-state key and its bound.

    `bound` is an IntBound, FloatBound, Choice or TextBound; `multi=True` makes a
    Choice a comma-separated list; `flag=True` makes a boolean ("1"/"0").
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

    @property
    def name(self) -> str:
        return self.key if self.bound is None else self.bound.name


def _echo(raw: str) -> str:
    return f"“{inert(raw, 40)}”"


def _num(value: Any) -> str:
    """A number as the reader would write it: whole numbers with thousands separators, never 1e+06."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return f"{value:g}"


def parse(p: Param, raw: str) -> tuple[Any, str | None]:
    """Parse one raw URL value; returns (value, message or None). Pure: no Streamlit state."""
    raw = str(raw)
    if p.flag:
        if raw.lower() in ("1", "true", "yes", "on"):
            return True, None
        if raw.lower() in ("0", "false", "no", "off"):
            return False, None
        return p.initial(), f"The link's {p.name} = {_echo(raw)} is not 1 or 0; using {'on' if p.initial() else 'off'}."
    if p.multi:
        items = [s.strip() for s in raw.split(",") if s.strip()]
        good = list(dict.fromkeys(s for s in items if s in p.bound.options))
        bad = list(dict.fromkeys(s for s in items if s not in p.bound.options))
        twice = [s for s in good if items.count(s) > 1]
        if bad:
            shown = ", ".join(_echo(s) for s in bad[:5]) + (" …" if len(bad) > 5 else "")
            tail = "" if good else f"; using the default ({', '.join(p.initial())})"
            return (good or list(p.initial())), (
                f"The link's {p.name}: unknown {shown} ignored (allowed: {', '.join(p.bound.options)}){tail}.")
        if not good:
            return list(p.initial()), f"The link's {p.name} is empty; using the default ({', '.join(p.initial())})."
        if twice:
            return good, f"The link's {p.name} lists {', '.join(twice)} more than once; each counts once."
        return good, None
    b = p.bound
    if isinstance(b, TextBound):
        text, msg = b.clean(raw)
        if not text and b.default:
            why = f" ({msg})" if msg else ""
            return b.default, f"The link's {b.name} is empty{why}; using the default text."
        return text, (f"The link's {b.name}: {msg}." if msg else None)
    if isinstance(b, Choice):
        if raw in b.options:
            return raw, None
        return b.default, f"The link's {b.name} = {_echo(raw)} is not one of {', '.join(b.options)}; using {b.default}."
    kind = int if isinstance(b, IntBound) else float
    what = "a whole number" if kind is int else "a number"
    try:
        value = float(raw.strip())
        if not math.isfinite(value):
            raise ValueError
        if kind is int:
            if value != int(value):
                near = b.clamp(round(value))
                return near, f"The link's {b.name} = {_echo(raw)} is not {what}; rounded to {_num(near)}."
            value = int(value)
    except (ValueError, OverflowError):
        return b.default, f"The link's {b.name} = {_echo(raw)} is not {what}; using the default {b.default}."
    clamped = b.clamp(value)
    if clamped != value:
        return clamped, (f"The link's {b.name} = {_echo(raw)} is outside its limit "
                         f"({_num(b.lo)} to {_num(b.hi)}); using {_num(clamped)}.")
    return value, None


def _raw(key: str) -> str | None:
    """The link's value for `key`; with a repeated key the last one counts (a message says so)."""
    values = st.query_params.get_all(key)
    if not values:
        return None
    return values[-1]


def sync_from_url(params: list[Param]) -> list[str]:
    """Set each control's state from the link, else this session's last value, else its default.

    A link value is applied once: when it differs from what this session last wrote or read
    for that key (a first visit, a shared link, the Back button), or when the control has no
    state yet. A value the session has already applied never overrides the reader's later
    change of the widget, even if writing the address bar did not happen in between.

    Returns every message about this page's link values seen this session (kept until the
    value is changed by the reader, so a rerun does not hide them).
    """
    saved = st.session_state.setdefault(_SAVED, {})
    kept = st.session_state.setdefault(_MESSAGES, {})
    pushed = st.session_state.setdefault(_PUSHED, {})
    for p in params:
        raw = _raw(p.key)
        if raw is not None and not (raw == pushed.get(p.key) and p.key in st.session_state):
            # a link the app did not write itself: a first visit, a shared link or Back
            value, msg = parse(p, raw)
            if len(st.query_params.get_all(p.key)) > 1:
                msg = (msg + " " if msg else "") + f"The link gives {p.name} more than once; the last value counts."
            st.session_state[p.key] = value
            saved[p.key] = value      # so push_to_url does not take the link's value for the reader's change
            pushed[p.key] = raw       # applied: the same text in the bar must not undo a later widget change
            if msg:
                kept[p.key] = msg
            else:
                kept.pop(p.key, None)  # a clean link (e.g. Back to it) replaces an older message
            continue
        if p.key in st.session_state and p.key in saved and saved[p.key] != st.session_state[p.key]:
            kept.pop(p.key, None)      # the reader just changed it: the link's message is moot now
        if isinstance(p.bound, TextBound) and p.key in st.session_state:
            _note_long_text(p, st.session_state[p.key], kept)
        if p.key not in st.session_state:
            st.session_state[p.key] = saved.get(p.key, p.initial())
        else:
            _reassert(p, saved)
    return [kept[p.key] for p in params if p.key in kept]


def _reassert(p: Param, saved: dict) -> None:
    """Write a control's value back into its key on every run.

    A widget that the frontend remounts (the elements above it changed between runs) starts
    again from its declared default (None for a segmented control, off for a toggle) and
    reports that with the next interaction elsewhere: typing a sequence on the attention page
    dropped it back to its first view with both toggles off. A value written through session
    state travels with the widget of that run, so a remounted widget shows it. A None (never
    the reader's choice: every control here has a value) becomes the value last used."""
    value = st.session_state[p.key]
    if value is None:
        value = saved.get(p.key, p.initial())
    st.session_state[p.key] = value


def encode(p: Param, value: Any) -> str:
    """The text the address bar holds for `value`; `parse` reads it back to the same value.

    Text is cleaned and cut to its limit (the bar never holds more than a link may carry);
    floats keep 12 significant digits (no slider noise such as 0.9000000000000001)."""
    if p.flag:
        return "1" if value else "0"
    if p.multi:
        return ",".join(str(v) for v in value)
    if isinstance(p.bound, TextBound):
        return p.bound.clean(str(value))[0]
    if isinstance(p.bound, IntBound) and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.12g}"
    return str(value)


def _note_long_text(p: Param, value: Any, kept: dict) -> None:
    """Typed text that the address bar cannot hold in full gets a message naming the limit."""
    if p.key not in kept and encode(p, value) != str(value):
        kept[p.key] = (f"{p.bound.name.capitalize()} is longer than the limit of {p.bound.max_len:,} "
                       f"characters or has characters outside {p.bound.alphabet}; "
                       "the address bar keeps only what fits.")


def push_to_url(params: list[Param]) -> None:
    """Save every control's current value for the session and write it into the address bar.

    All changed keys go in one update, so the browser gets one history entry per rerun (Back
    steps through the reader's changes, not through one key at a time)."""
    saved = st.session_state.setdefault(_SAVED, {})
    kept = st.session_state.setdefault(_MESSAGES, {})
    pushed = st.session_state.setdefault(_PUSHED, {})
    changes: dict[str, str] = {}
    for p in params:
        if p.key not in st.session_state:
            continue
        value = st.session_state[p.key]
        if p.key in saved and saved[p.key] != value:
            kept.pop(p.key, None)           # the reader changed it: the link's message is moot
        saved[p.key] = value
        text = encode(p, value)
        if isinstance(p.bound, TextBound):
            _note_long_text(p, value, kept)
        pushed[p.key] = text
        if st.query_params.get_all(p.key) != [text]:
            changes[p.key] = text
    if changes:
        st.query_params.update(changes)


def clamp_choice(key: str, hi: int, what: str, messages: list[str]) -> None:
    """Keep a 1-based choice (a layer, a head, a step) inside what exists now, e.g. after a shorter
    sequence or another model; a non-number resets it to 1, too large a value gets a message."""
    value = st.session_state.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        st.session_state[key] = 1
    elif value > hi:
        messages.append(f"{what} {value} does not exist here (there {'is' if hi == 1 else 'are'} {hi}); showing {hi}.")
        st.session_state[key] = hi


def show_messages(messages: list[str]) -> None:
    for m in messages:
        st.warning(m, icon=":material/link_off:")


def slider(p: Param, label: str, **kwargs: Any) -> Any:
    """A slider whose bounds come from the Param's bound in core.config."""
    b = p.bound
    return st.slider(label, min_value=b.lo, max_value=b.hi, key=p.key, **kwargs)
