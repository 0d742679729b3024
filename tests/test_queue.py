"""core.queue: one holder at a time, first come first served, bounded holds, cancel (threads as oracles)."""
import threading
import time

import pytest

from core.queue import Cancelled, TurnQueue


def test_one_holder_at_a_time_in_arrival_order():
    q = TurnQueue(max_hold_s=60)
    order, inside, worst = [], [0], [0]
    guard = threading.Lock()
    first = q.join(1.0, "first")
    first.turn()                                   # holds the turn while the others line up

    def worker(ticket):
        def work():
            with guard:
                inside[0] += 1
                worst[0] = max(worst[0], inside[0])
            order.append(ticket.label)
            time.sleep(0.02)
            with guard:
                inside[0] -= 1
            yield ticket.label
        list(q.take_turns(ticket, work()))

    tickets = [q.join(1.0, f"t{i}") for i in range(5)]
    threads = [threading.Thread(target=worker, args=(t,)) for t in tickets]
    for th in reversed(threads):                   # started in reverse: the order must still be by ticket
        th.start()
    time.sleep(0.1)
    assert [t.position() for t in tickets] == [1, 2, 3, 4, 5]
    first.leave()
    for th in threads:
        th.join(5)
    assert order == [f"t{i}" for i in range(5)]
    assert worst[0] == 1
    assert q.lock.locked() is False


def test_position_and_estimated_wait():
    q = TurnQueue(max_hold_s=10)
    a, b, c = q.join(4.0, "a"), q.join(30.0, "b"), q.join(2.0, "c")
    a.turn()
    assert (a.position(), b.position(), c.position()) == (0, 1, 2)
    assert b.wait_s() == pytest.approx(4.0)
    assert c.wait_s() == pytest.approx(4.0 + 10.0)   # b holds at most one bounded turn before c's first
    a.progress(1.0)
    assert b.wait_s() == pytest.approx(1.0)
    a.leave()
    assert b.position() == 0 and c.position() == 1


def test_cancel_while_waiting_leaves_the_line_at_once():
    q = TurnQueue(max_hold_s=10)
    a, b, c = q.join(1, "a"), q.join(1, "b"), q.join(1, "c")
    a.turn()
    b.cancel()
    assert c.position() == 1
    with pytest.raises(Cancelled):
        b.turn()
    a.leave()
    c.turn()
    assert c.holding()
    c.leave()


def test_cancel_from_another_thread_stops_a_waiter():
    q = TurnQueue(max_hold_s=10)
    a, b = q.join(1, "a"), q.join(1, "b")
    a.turn()
    seen = []

    def wait():
        try:
            b.turn(on_wait=lambda t: seen.append(t.position()), poll_s=0.02)
        except Cancelled:
            seen.append("cancelled")

    th = threading.Thread(target=wait)
    th.start()
    time.sleep(0.1)
    b.cancel()
    th.join(2)
    assert seen[0] == 1 and seen[-1] == "cancelled"   # the waiter saw its position from the start
    a.leave()


def test_cancel_stops_a_holder_at_its_next_chunk():
    q = TurnQueue(max_hold_s=10)
    t = q.join(1, "holder")
    done = []

    def chunks():
        for i in range(100):
            if i == 3:
                t.cancel()
            done.append(i)
            yield i

    with pytest.raises(Cancelled):
        list(q.take_turns(t, chunks()))
    assert done == [0, 1, 2, 3]
    assert not q.lock.locked() and q.join(1, "next").position() == 0


def test_a_long_holder_yields_its_turn_round_robin():
    q = TurnQueue(max_hold_s=0.05)
    log = []

    def chunks(name, n):
        for i in range(n):
            log.append(name)
            time.sleep(0.02)
            yield i

    long, short = q.join(10, "long"), q.join(0.1, "short")
    th_long = threading.Thread(target=lambda: list(q.take_turns(long, chunks("long", 12))))
    th_long.start()
    time.sleep(0.01)
    th_short = threading.Thread(target=lambda: list(q.take_turns(short, chunks("short", 2))))
    th_short.start()
    th_long.join(5), th_short.join(5)
    first_short = log.index("short")
    assert 0 < first_short <= 5          # let in after about max_hold_s, not after all 12 chunks
    assert log.count("long") == 12 and log.count("short") == 2
    assert log[-1] == "long"


def test_no_yield_when_nobody_waits():
    q = TurnQueue(max_hold_s=0.0)
    t = q.join(1, "alone")
    t.turn()
    t.between_chunks()
    assert t.holding()
    t.leave()
    assert not q.lock.locked()


def test_an_exception_in_the_work_releases_the_turn():
    q = TurnQueue(max_hold_s=10)
    t = q.join(1, "boom")

    def chunks():
        yield 1
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        list(q.take_turns(t, chunks()))
    assert not q.lock.locked() and q.join(1, "next").position() == 0


def _page_script():
    import streamlit as st

    from core.queue import QUEUE
    from ui import queue as q

    q.stop_button("demo")
    before = QUEUE.join(0.5, "someone else")       # another session holds the turn briefly
    before.turn()
    import threading
    threading.Timer(0.3, before.leave).start()
    out = q.run_queued("demo", "Demo", 1.0, iter(range(3)), on_item=lambda i: f"chunk {i}")
    st.write(f"items={out.items} status={out.status} waited={out.waited_s > 0.2}")


def test_run_queued_waits_its_turn_then_runs_every_chunk():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page_script, default_timeout=20).run()
    assert not at.exception
    assert "items=[0, 1, 2] status=done waited=True" in at.markdown[0].value
    assert at.button(key="demo_stop").label == "Stop measuring"



def _throttle_script():
    import time

    import streamlit as st

    from core.config import app as cfg
    from ui import queue as q

    class Bar:                                   # records what run_queued draws into its bar
        def __init__(self):
            self.texts = []

        def progress(self, value, text=""):
            if value:                            # the first call makes the bar; later ones redraw it
                self.texts.append(text)
            return self

        def empty(self):
            pass

    def work(n):
        for i in range(n):
            time.sleep(0.02)
            yield i

    bar = Bar()
    t0 = time.monotonic()
    out = q.run_queued("thr", "Demo", 2.0, work(40), on_item=lambda i: f"chunk {i}", where=bar, settle_s=0.05)
    spent = time.monotonic() - t0
    limited = q.run_queued("lim", "Demo", 2.0, work(40), where=Bar(), time_limit_s=0.1)
    st.write(f"items={len(out.items)} redraws={len(bar.texts)} first={bar.texts[0]!r} spent={spent:.2f} "
             f"every={cfg.PROGRESS_EVERY_S} limited={limited.status.replace(' ', '_')}:{len(limited.items)}")


def test_the_progress_bar_is_redrawn_at_most_every_half_second_then_settles():
    """40 chunks of 20 ms: every chunk runs and the time limit is checked after each, but the bar is
    redrawn once per `PROGRESS_EVERY_S` (a redraw per chunk spoiled the timings it reported), each
    redraw followed by the settle pause."""
    import re

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_throttle_script, default_timeout=30).run()
    assert not at.exception
    got = dict(re.findall(r"(\w+)=('[^']*'|\S+)", at.markdown[0].value))
    assert got["items"] == "40" and float(got["every"]) == 0.5
    redraws, spent = int(got["redraws"]), float(got["spent"])
    assert 1 <= redraws <= spent / 0.5 + 1                       # 40 without the throttle
    assert spent >= 40 * 0.02 + redraws * 0.05                    # every redraw settled
    assert got["first"].startswith("'Demo: chunk 0")              # the first chunk is shown at once
    status, n = got["limited"].split(":")
    assert status == "time_limit" and 4 <= int(n) < 40          # checked per chunk, not per redraw


# -- polite turns: a holder waits (bounded) for other viewers' pages to be drawn
from core.renders import Renders  # noqa: E402


def test_renders_nested_runs_count_once_and_measuring_does_not_count():
    r = Renders()
    with r.drawing():
        assert r.count() == 1
        with r.drawing():                          # a fragment drawn inside its page's run
            assert r.count() == 1
            with r.measuring():
                assert r.count() == 0
            assert r.count() == 1
    assert r.count() == 0
    with r.measuring():                            # outside any run (a background thread): nothing to remove
        assert r.count() == 0
    assert r.count() == 0


def _draw_in_thread(r: Renders, seconds: float) -> threading.Thread:
    started = threading.Event()

    def draw():
        with r.drawing():
            started.set()
            time.sleep(seconds)

    t = threading.Thread(target=draw)
    t.start()
    started.wait()
    return t


def test_wait_quiet_returns_when_the_other_run_ends_and_is_bounded():
    r = Renders()
    assert r.wait_quiet(5.0) < 0.05                # nobody drawing
    t = _draw_in_thread(r, 0.3)
    waited = r.wait_quiet(5.0)
    t.join()
    assert 0.2 < waited < 2.0
    t = _draw_in_thread(r, 1.5)
    waited = r.wait_quiet(0.2)                     # the bound wins over a long run
    assert 0.15 < waited < 1.0
    t.join()


def test_a_holder_starts_each_chunk_after_another_viewers_page_is_drawn():
    r = Renders()
    q = TurnQueue(max_hold_s=60, renders=r, yield_s=5.0)
    starts = []

    def work():
        for i in range(3):
            starts.append(time.monotonic())
            yield i

    ticket = q.join(1.0, "sweep")
    t = _draw_in_thread(r, 0.4)
    ended_at = time.monotonic() + 0.35
    with r.drawing():                              # the holder's own run does not hold itself up
        items = list(q.take_turns(ticket, work()))
    t.join()
    assert items == [0, 1, 2]
    assert starts[0] >= ended_at - 0.05            # waited for the other page, not for its own
    assert q.yielded_s > 0.2
    assert r.count() == 0


def test_a_holder_waits_at_most_yield_s_per_chunk():
    r = Renders()
    q = TurnQueue(max_hold_s=60, renders=r, yield_s=0.1)
    t = _draw_in_thread(r, 2.0)
    t0 = time.monotonic()
    assert list(q.take_turns(q.join(1.0, "sweep"), iter(range(3)))) == [0, 1, 2]
    took = time.monotonic() - t0
    t.join()
    assert 0.25 < took < 1.5                       # 3 chunks × 0.1 s, not 2 s


def test_a_measurement_abandoned_mid_run_does_not_leave_the_run_counted():
    """A sweep's generator left suspended when its run ends (a rerun or Stop raised in the page),
    then closed later — here from another thread, as the garbage collector may: nothing stays counted."""
    r = Renders()
    q = TurnQueue(max_hold_s=60, renders=r, yield_s=0.0)
    with pytest.raises(RuntimeError):
        with r.drawing():
            gen = q.take_turns(q.join(1.0, "sweep"), iter(range(5)))
            next(gen)                              # measuring: the run does not count
            assert r.count() == 0
            raise RuntimeError("rerun")            # the run ends with the generator suspended
    assert r.count() == 0
    closer = threading.Thread(target=gen.close)
    closer.start()
    closer.join()
    assert r.count() == 0
    with r.drawing():                              # the next run of that thread counts once again
        assert r.count() == 1
    assert r.count() == 0


def test_an_uncounted_run_and_its_inline_fragments_never_count_as_drawing():
    """The start-up warm-up's runs are nobody's page: a viewer's measurement must not wait for them."""
    r = Renders()
    with r.uncounted(), r.drawing():
        with r.drawing():                 # a fragment drawn inline in that run
            assert r.count() == 0
        assert r.wait_quiet(0.5) < 0.25
    with r.drawing():                     # the next ordinary run on the same thread counts again
        assert r.count() == 1
    assert r.count() == 0
