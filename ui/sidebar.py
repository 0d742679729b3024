"""The shared sidebar: compute device, torch version and threads, global seed.

The device list needs torch, which loads in the background (`ui.warmup`): until
it has, the sidebar shows the seed at once and the device block refreshes itself
every second (a fragment) — the page never waits for torch to draw its first view.
"""
from __future__ import annotations

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


def render() -> None:
    warmup.start()
    if not warmup.ready() and "device" in st.query_params:
        warmup.wait()                       # a link that names a device: honour it, not a placeholder
    st.session_state[_DRAWN] = False
    with st.sidebar:
        if warmup.ready():
            _device_block()
        else:
            _device_pending()
        seed_param = [Param("seed", config.SEED)]
        show_messages(sync_from_url(seed_param))
        st.number_input("Random seed", min_value=config.SEED.lo, max_value=config.SEED.hi, step=1, key="seed")
    push_to_url(seed_param)
    st.session_state[_DRAWN] = True


_DRAWN = "_sidebar_drawn"      # the whole sidebar is on screen (the pending block may ask for a rerun)


@st.fragment(run_every=1.0)
def _device_pending() -> None:
    # Only on its own timer, never inline in a full run: torch finishing between render()'s check
    # and this line would otherwise rerun the app before the seed box below was ever drawn.
    if warmup.ready() and st.session_state.get(_DRAWN):
        st.rerun()                          # torch is in: draw the real device block
    st.selectbox("Compute device", ["cpu"], key="_device_pending", disabled=True)
    st.caption("Loading torch… (the page does not wait for it)")


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
