"""Talk mode: the whole story as scenes, one claim per scene, for a projector and a clicker.

Every scene paints at once from the shipped results (`python -m core.story`); "Re-measure
live" refines the one on screen. The scene number lives in the address (`?scene=7`): the
buttons, the clicker's PageUp/PageDown and the arrow keys write it explicitly (writing a
widget's state would not update the address, streamlit#14670). The whole view is one
fragment, so moving between scenes redraws the stage without rerunning the page.
"""
import streamlit as st

from ui import warmup

warmup.wait()  # torch is being imported on a background thread; importing it here at the same time races
from core.benchmark import TIMING_LOCK
from core.config import IntBound
from core.story import snippets
from core.story import scene as sc
from core.story.scenes import SCENES
from ui import export, layout, vega
from ui.params import Param, parse, push_to_url, show_messages, sync_from_url
from ui.spec_cache import Lazy

st.set_page_config(initial_sidebar_state="collapsed")
# A projector's 720 px are the stage: Streamlit's 6rem top padding above the scene title shrinks to the toolbar's height.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:4rem}</style>")
N = len(SCENES)
P_SCENE = Param("scene", IntBound("scene", 1, N, 1))
P_SHIPPED = Param("shipped", flag=True, default=False)
ss = st.session_state


@st.cache_data(max_entries=1, show_spinner=False)
def shipped() -> tuple[dict, dict]:
    try:
        return sc.load(sc.SHIPPED)
    except (OSError, ValueError, KeyError):
        return {}, {}


def go(n: int) -> None:
    st.query_params["scene"] = str(min(max(n, 1), N))


def picked() -> None:
    go(ss["talk_pick"])


def current() -> int:
    raw = st.query_params.get("scene")
    return 1 if raw is None else parse(P_SCENE, raw)[0]


def navigation(n: int) -> None:
    bar = st.container(horizontal=True, vertical_alignment="center", gap="small")
    bar.button("◀", key="talk_prev", shortcut="PageUp", on_click=go, args=(n - 1,), disabled=n == 1,
               help="Previous scene (PageUp or ←)")
    bar.button("▶", key="talk_next", shortcut="PageDown", on_click=go, args=(n + 1,), disabled=n == N,
               help="Next scene (PageDown or →)")
    bar.button(":material/chevron_left:", key="talk_left", shortcut="Left", on_click=go, args=(n - 1,),
               disabled=n == 1, type="tertiary", help="Previous scene (←)")
    bar.button(":material/chevron_right:", key="talk_right", shortcut="Right", on_click=go, args=(n + 1,),
               disabled=n == N, type="tertiary", help="Next scene (→)")
    bar.page_link("chapters/overview.py", label="Exit", icon=":material/close:", help="Leave talk mode")
    ss["talk_pick"] = n
    st.selectbox("Scene", range(1, N + 1), key="talk_pick", on_change=picked, label_visibility="collapsed",
                 format_func=lambda i: f"{i}. {SCENES[i - 1].group}")


def measure(scene: sc.Scene, live: dict) -> sc.SceneData | None:
    with layout.section("This scene"), st.spinner(f"Measuring… about {scene.live_seconds:.0f} s"):
        with TIMING_LOCK:
            live[scene.slug] = scene.compute()
    return live.get(scene.slug)


@layout.fragment
def stage() -> None:
    n = current()
    scene, live = SCENES[n - 1], ss.setdefault("talk_live", {})
    only_shipped = bool(ss.get("shipped"))
    left, right = st.columns([3, 1.05], gap="medium")
    left.title(f"{n} / {N} · {scene.group}", anchor=False)
    sentence = left.empty()
    with right:
        navigation(n)
        figure_box, source_box = st.container(), st.container()
        clicked = st.button(f"Re-measure live (~{scene.live_seconds:.0f} s)", key="talk_live_btn",
                            disabled=only_shipped or bool(scene.live_elsewhere), icon=":material/refresh:",
                            help=scene.live_elsewhere or "Run this scene's computation now, on this server")
        data = measure(scene, live) if clicked else None
        data = data or (None if only_shipped else live.get(scene.slug)) or shipped()[1].get(scene.slug)
        st.toggle("Shipped results only", key="shipped", help="For slow hosts: never compute on stage",
                  on_change=push_to_url, args=([P_SHIPPED],))
        row = st.container(horizontal=True, vertical_alignment="center")
    row.page_link(f"chapters/{scene.page}.py", label="Chapter", icon=":material/arrow_forward:",
                  help="Open the chapter that shows this claim in full")
    if data is None:
        sentence.info("No shipped result for this scene; press “Re-measure live”.")
        return
    is_live = data is live.get(scene.slug)
    with layout.section("This scene's figure"):
        sentence.markdown(f"#### {scene.sentence(data)}")
        figure_box.metric(*scene.figure(data))
        chart = Lazy(scene.chart, data, named=f"scene {scene.slug}")
        text = vega.draw(chart, data.frame, where=left, key=f"talk_chart_{scene.slug}")
        m = data.meta
        where = m.get("source") or ("measured live just now" if is_live else "shipped result")
        source_box.caption(f"{where} · {m.get('device', '?')} · {m.get('threads', '?')} thread(s)"
                           + (f" · load {m['load_avg'][0]:.1f}" if m.get("load_avg") else ""))
        if scene.noisy(data):
            source_box.caption(":orange[:material/warning: The host was busy while this was timed: noisy, "
                               "not a finding.]")
        with row:
            export.export_menu(chart, data.frame, page="talk", name=scene.slug, key="talk_fig",
                               settings={"scene": n, "result": "live" if is_live else "shipped"},
                               snippet=snippets.scene(scene.slug), description=text)
        with right.expander("Presenter notes"):
            st.markdown(f"*The claim:* {scene.title}\n\n{scene.notes(data)}")


raw = st.query_params.get("scene")
messages = sync_from_url([P_SHIPPED]) + ([m] if raw is not None and (m := parse(P_SCENE, raw)[1]) else [])
show_messages(messages)
stage()
push_to_url([P_SHIPPED])
