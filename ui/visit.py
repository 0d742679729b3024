"""A bare client of Streamlit's own websocket protocol: open one link on a running server.

It sends what the frontend sends (one `rerun_script` with the link's page and query string) and
reads the ForwardMsgs back: when the first chart element arrived, when the run finished, how
many exception elements came. With `answer_timers`, fragment timers are answered as the frontend
answers them (so a live sweep runs); without, a page's timers are left unanswered.

Used by the server's start-up warm-up (`serve.py`: one visit of every page, so the first real
viewers find torch imported and the default views' results cached) and by
`benchmarks/bench_server.py` (many viewers at once, no browser sharing the cores).
"""
from __future__ import annotations

import asyncio
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect


def rerun(link: str, base: str, fragment: str = "") -> bytes:
    """The BackMsg the frontend sends to run `link` ("page?query"), or one fragment of it."""
    page, _, query = link.partition("?")
    msg = BackMsg(rerun_script=ClientState(
        query_string=query, page_name=page, fragment_id=fragment, is_auto_rerun=bool(fragment),
        context_info=ContextInfo(url=f"{base}/{link}", timezone="UTC", locale="en-US")))
    return msg.SerializeToString()


async def visit(base: str, link: str, limit_s: float, settle_s: float, answer_timers: bool = True,
                headers: dict[str, str] | None = None) -> dict:
    """Open `link` on the server at `base`; return once its runs go quiet (or after `limit_s`).

    The result: seconds to the first chart element (`chart`) and to the end of the first
    finished run (`done`), the number of exception elements and of runs, and `quiet`: seconds
    to the last message."""
    out = {"link": link, "chart": None, "done": None, "exceptions": 0, "runs": 0}
    t0 = time.perf_counter()
    timers: dict[str, asyncio.Task] = {}
    async with connect(base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
                       max_size=None, open_timeout=limit_s, additional_headers=headers) as ws:
        async def tick(fragment: str, every: float) -> None:
            while True:
                await asyncio.sleep(every)
                await ws.send(rerun(link, base, fragment))

        await ws.send(rerun(link, base))
        last = time.perf_counter()
        while time.perf_counter() - t0 < limit_s:
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=settle_s)
            except asyncio.TimeoutError:
                if out["done"] is not None:
                    break                     # no message for settle_s after a finished run: quiet
                continue
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element.WhichOneof("type")
                if el == "vega_lite_chart" and out["chart"] is None:
                    out["chart"] = time.perf_counter() - t0
                elif el == "exception":
                    out["exceptions"] += 1
            elif kind == "auto_rerun" and answer_timers and msg.auto_rerun.fragment_id not in timers:
                timers[msg.auto_rerun.fragment_id] = asyncio.create_task(
                    tick(msg.auto_rerun.fragment_id, msg.auto_rerun.interval))
            elif kind == "stop_auto_rerun":
                for t in timers.values():
                    t.cancel()
                timers.clear()
            elif kind == "script_finished":
                out["runs"] += 1
                if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY or out["done"] is None:
                    out["done"] = time.perf_counter() - t0
            last = time.perf_counter()
        for t in timers.values():
            t.cancel()
    out["quiet"] = last - t0
    return out
