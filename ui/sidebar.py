"""The shared sidebar: compute device, torch version and threads, global seed.

The device list needs torch, which loads in the background (`ui.warmup`): until
it has, the sidebar shows a placeholder device block and the seed at once, the
page draws its first view, and only then does the run wait for torch and rerun
once to draw the real device block (`finish`).
"""
from __future__ import annotations

import time

import streamlit as st

from core import config
from core.config import Choice
from ui import warmup
from ui.params import Param, push_to_url, show_messages, sync_from_url


def _devices() -> tuple[str, ...]:
    from core.device import available_devices   # torch: imported in the background by ui.warmup

    return tuple(available_devices())


def global_params(devices: tuple[str, ...]) -> list[Param]:
    return [
        Param("device", Choice("device", devices, devices[0])),
        Param("seed", config.SEED),
    ]


def render(defer_torch: bool = False) -> bool:
    """Draw the sidebar; True when its device block is a placeholder (torch still loading).

    `defer_torch`: the page paints without torch, so its import (which would halve this run's
    share of the GIL) starts only in `finish`, once the page is drawn. The router calls `finish`
    after the page."""
    if not defer_torch:
        warmup.start()
    if not warmup.ready() and "device" in st.query_params:
        warmup.wait()                       # a link that names a device: honour it, not a placeholder
    pending = not warmup.ready()
    with st.sidebar:
        if pending:
            st.selectbox("Compute device", ["cpu"], key="_device_pending", disabled=True)
            st.caption("Loading torch… (the page does not wait for it)")
        else:
            _device_block()
        seed_param = [Param("seed", config.SEED)]
        show_messages(sync_from_url(seed_param))
        st.number_input("Random seed", min_value=config.SEED.lo, max_value=config.SEED.hi, step=1, key="seed")
    push_to_url(seed_param)
    return pending


def finish(pending: bool) -> None:
    """After the page is drawn: if the device block was a placeholder, import torch (or wait for
    its import), then rerun once.

    The page is on screen meanwhile. (An earlier version refreshed the placeholder from a
    `run_every` fragment that reran the app; with several first visitors at once, one of them
    now and then lost the seed box drawn after that fragment until the next rerun.)"""
    if pending:
        if not warmup.started():
            time.sleep(config.TORCH_GRACE_S)   # the viewer's browser paints this page's charts first
        warmup.wait()
        st.rerun()


def _device_block() -> None:
    from core.device import describe

    params = global_params(_devices())[:1]
    messages = sync_from_url(params)
    devices = params[0].bound.options
    st.selectbox(
        "Compute device", devices, key="device", disabled=len(devices) == 1,
        help="Auto-detected: CUDA first, then Apple MPS, then CPU.",
    )
    info = describe(st.session_state["device"])
    threads = f"{info.threads} thread{'s' if info.threads != 1 else ''}"
    st.caption(f"{info.name} · torch {info.torch_version} · {threads} on {info.cores} cores")
    show_messages(messages)
    push_to_url(params)


def device() -> str:
    return st.session_state.get("device", "cpu")


def seed() -> int:
    return int(st.session_state.get("seed", config.SEED.default))
