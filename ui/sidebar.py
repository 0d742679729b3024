"""The shared sidebar: compute device, torch version and threads, global seed."""
from __future__ import annotations

import streamlit as st

from core import config
from core.config import Choice
from core.device import available_devices, describe
from ui.params import Param, push_to_url, show_messages, sync_from_url


def global_params() -> list[Param]:
    devices = tuple(available_devices())
    return [
        Param("device", Choice("device", devices, devices[0])),
        Param("seed", config.SEED),
    ]


def render() -> None:
    params = global_params()
    messages = sync_from_url(params)
    with st.sidebar:
        devices = params[0].bound.options
        st.selectbox(
            "Compute device", devices, key="device", disabled=len(devices) == 1,
            help="Auto-detected: CUDA first, then Apple MPS, then CPU.",
        )
        st.number_input("Random seed", min_value=config.SEED.lo, max_value=config.SEED.hi, step=1, key="seed")
        info = describe(st.session_state["device"])
        st.caption(
            f"{info.name} · torch {info.torch_version} · "
            f"{info.threads} threads on {info.cores} cores"
        )
        show_messages(messages)
    push_to_url(params)


def device() -> str:
    return st.session_state.get("device", "cpu")


def seed() -> int:
    return int(st.session_state.get("seed", config.SEED.default))
